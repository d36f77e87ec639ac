import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from neuguong.core.scheduler import SCHEDULED_JOBS


class Command(BaseCommand):
    help = "Đặt lịch các việc định kỳ (nhắc hạn, báo cáo) vào hàng đợi; db_worker thực hiện chúng."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Chạy mỗi việc một lần rồi thoát.")
        parser.add_argument("--tick", type=int, default=30)

    def handle(self, *args, once: bool, tick: int, **options):
        autodiscover_modules("tasks")
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in SCHEDULED_JOBS:
                if once or now - last_run.get(job.name, -1e9) >= job.every_seconds:
                    job.enqueue()
                    last_run[job.name] = now
                    self.stdout.write(f"Đã đưa vào hàng đợi: {job.name}")
            if once:
                return
            time.sleep(tick)
