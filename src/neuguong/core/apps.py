from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "neuguong.core"
    label = "core"
    verbose_name = "Chung"

    def ready(self):
        from . import lookups, scheduler
        from .tasks import purge_idempotency_keys

        lookups.register()
        scheduler.register("core.purge_idempotency_keys", 86400, purge_idempotency_keys.enqueue)
