from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from neuguong.access.scope import scope_for
from neuguong.core.forms import BootstrapFormMixin
from neuguong.core.paging import paginate

from .selectors import sensitive_access_list


class SensitiveAccessFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Đảng viên", required=False, max_length=200)
    since = forms.DateField(label="Từ ngày", required=False)
    until = forms.DateField(label="Đến ngày", required=False)


@login_required
def sensitive_access_view(request):
    """Nhật ký xem dữ liệu nhạy cảm: who saw whose CCCD in the user's subtree (XLSX: exactly what is shown)."""
    if not scope_for(request.user).has_org_role:
        raise Http404
    form = SensitiveAccessFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = sensitive_access_list(
        user=request.user, query=data.get("q") or "", since=data.get("since"), until=data.get("until")
    )
    if request.GET.get("format") == "xlsx":
        from .exports import sensitive_access_xlsx

        return sensitive_access_xlsx(rows)
    return render(request, "audit/sensitive_access.html", {"form": form, **paginate(request, rows)})
