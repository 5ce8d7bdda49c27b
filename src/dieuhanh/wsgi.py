import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
application = get_wsgi_application()

# A server whose field keys do not open the identities in the database refuses to start
# (core/fieldkeys.py) instead of answering with errors on every petition page.
from dieuhanh.core.fieldkeys import refuse_if_unusable  # noqa: E402

refuse_if_unusable()
