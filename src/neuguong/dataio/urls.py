app_name = "dataio"
urlpatterns: list = []
