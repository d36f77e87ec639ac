from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "neuguong.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from neuguong.core import registry

        from .demo import seed_meeting_story, seed_meetings
        from .panels import home_panel, person_panel
        from .selectors import document_readers

        # Not limited to organisation roles: a member finds the meetings they are invited to here.
        registry.add_nav("Sinh hoạt chi bộ", "meetings:list", order=55)
        for hooks, hook in (
            (registry.HOME_PANELS, home_panel),
            (registry.PERSON_PANELS, person_panel),
            (registry.DOCUMENT_READERS, document_readers),
            (registry.DEMO_SEEDERS, seed_meetings),
            (registry.DEMO_ACCOUNT_SEEDERS, seed_meeting_story),
        ):
            if hook not in hooks:
                hooks.append(hook)
        from neuguong.core import scheduler
        from neuguong.notifications.queue import register_provider

        from .tasks import send_documents_reminders
        from .waiting import waiting_for

        register_provider(waiting_for)
        # Hourly: a reminder is written once per meeting (checked under the meeting's lock), so a missed
        # or doubled run is harmless.
        scheduler.register("meetings.documents_reminders", 3600, send_documents_reminders.enqueue)
        link = ("Sinh hoạt chi bộ", "meetings:for_org")
        if link not in registry.ORG_LINKS:
            registry.ORG_LINKS.append(link)
