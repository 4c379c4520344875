"""The attendee's feedback form, opened from the e-mailed link; no sign-in needed.

The link is the credential, as an invitation's is, and works once. The results are on
the steering group's pages (``steering_views.feedback_results``).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from workshops.feedback import survey
from workshops.feedback.forms import FeedbackForm


@never_cache
def feedback_form(request, token):
    asked = survey.find_request(token)
    if asked is None:
        raise Http404("No such feedback link.")
    closed = survey.why_closed(asked)
    form = FeedbackForm(request.POST if request.method == "POST" and not closed else None)
    if form.is_valid():
        try:
            survey.answer_feedback(token=token, **form.cleaned_data)
        except survey.FeedbackError as refusal:
            closed = refusal.message
        else:
            messages.success(request, "Thank you. Your feedback is recorded, without your name.")
            return redirect(asked.get_absolute_url())
    return render(
        request,
        "workshops/feedback.html",
        {
            "workshop": asked.booking.workshop,
            "form": form,
            "closed": closed,
            "answered": asked.answered or closed == survey.ALREADY_ANSWERED,
            "closes_on": survey.closes_on(asked.booking.workshop),
            "min_answers": survey.MIN_ANSWERS_SHOWN,
        },
    )
