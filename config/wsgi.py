"""The WSGI application that gunicorn serves (`make serve`).

It refuses to start without a secret key when debug is off, naming the
variable to set, rather than failing on the first request.
"""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

require_secret_key()
application = get_wsgi_application()
