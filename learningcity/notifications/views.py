"""Notice pages: the list (mark read, open an item), and the e-mail preferences."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from . import selectors, services
from .filters import NotificationFilterSet
from .forms import EmailPreferencesForm


class NoticeListView(ListView):
    template_name = "notifications/notice_list.html"
    context_object_name = "notices"
    paginate_by = 25

    def get_queryset(self):
        self.filterset = NotificationFilterSet(
            self.request.GET, queryset=selectors.notice_list(user=self.request.user)
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        unread_only = form.is_valid() and form.cleaned_data.get("unread") is True
        return super().get_context_data(unread_only=unread_only, **kwargs)


def _within_portal(request, url: str) -> bool:
    """Never a redirect off the portal, whatever a notice's link says."""
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def notice_open(request, pk: int):
    """Mark the notice read and go to its item (a link from the list or the bell)."""
    notice = get_object_or_404(selectors.notice_list(user=request.user), pk=pk)
    services.notice_mark_read(user=request.user, notice=notice)
    if _within_portal(request, notice.url):
        return redirect(notice.url)
    return redirect("notifications:list")


@require_POST
def notices_read_all(request):
    count = services.notices_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notices are marked as read."))
    return redirect("notifications:list")


def preferences(request):
    user = request.user
    kinds = selectors.kinds_for(user)
    current = selectors.email_preferences(user=user)
    form = EmailPreferencesForm(
        request.POST or None,
        kinds=kinds,
        initial={kind.value: current[kind.value] for kind in kinds},
    )
    if request.method == "POST" and form.is_valid():
        services.email_preferences_save(user=user, enabled=form.cleaned_data)
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect(reverse("notifications:preferences"))
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "has_email": bool(user.email)},
    )
