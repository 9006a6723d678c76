"""The ASGI application, for an ASGI server (e.g. `uvicorn config.asgi:application`).

It refuses to start without a secret key when debug is off, naming the
variable to set, rather than failing on the first request.
"""

import os

from django.core.asgi import get_asgi_application

from config.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

require_secret_key()
application = get_asgi_application()
