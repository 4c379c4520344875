"""What a page hands its form."""


def posted(request):
    """The form data: the POST, even an empty one, which ``request.POST or None`` drops."""
    return request.POST if request.method == "POST" else None
