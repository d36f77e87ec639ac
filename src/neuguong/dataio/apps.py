from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "neuguong.dataio"
    label = "dataio"
    verbose_name = "Nhập, xuất và sao lưu dữ liệu"

    def ready(self):
        from neuguong.core import scheduler
        from neuguong.core.registry import ORG_LINKS, ORG_LIST_LINKS, PEOPLE_LIST_LINKS, add_nav

        from .tasks import forget_account_passwords, purge_import_files

        add_nav("Nhập, xuất dữ liệu", "dataio:index", needs_org_role=True, order=80)
        if ("Xuất XLSX", "dataio:export_people") not in PEOPLE_LIST_LINKS:
            PEOPLE_LIST_LINKS.append(("Xuất XLSX", "dataio:export_people"))
        if ("Xuất XLSX", "dataio:export_organizations") not in ORG_LIST_LINKS:
            ORG_LIST_LINKS.append(("Xuất XLSX", "dataio:export_organizations"))
        if ("Cấp tài khoản đảng viên", "dataio:accounts") not in ORG_LINKS:
            ORG_LINKS.append(("Cấp tài khoản đảng viên", "dataio:accounts"))
        # Daily: a finished import's uploaded file is kept IMPORT_FILE_RETENTION_DAYS; the run record stays.
        scheduler.register("dataio.purge_import_files", 86400, purge_import_files.enqueue)
        # Daily: one-time passwords of account batches are kept at most ACCOUNT_PASSWORD_DAYS.
        scheduler.register("dataio.forget_account_passwords", 86400, forget_account_passwords.enqueue)
