"""What every app needs to send people messages: absolute links, the recipient's language and the
text-message backend. Below ``accounts`` and ``approvals`` (both send), depending on neither."""
