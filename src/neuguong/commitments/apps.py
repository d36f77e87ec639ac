from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "neuguong.commitments"
    label = "commitments"
    verbose_name = "Cam kết, nhiệm vụ"

    def ready(self):
        from neuguong.core import registry

        registry.add_nav("Việc của tôi", "commitments:mine", order=20)
        registry.add_nav("Nhiệm vụ", "commitments:board", needs_org_role=True, order=21)
