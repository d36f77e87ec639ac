from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "neuguong.study"
    label = "study"
    verbose_name = "Học tập nghị quyết"

    def ready(self):
        from neuguong.core.registry import DEMO_SEEDERS, add_nav

        from .demo import seed_study

        add_nav("Học tập nghị quyết", "study:campaign_list", order=60)
        add_nav("Lớp LLCT", "study:course_list", needs_org_role=True, order=61)
        if seed_study not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_study)
