import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dieuhanh.settings")
application = get_wsgi_application()

# A server whose field keys do not open the identities in the database refuses to start
# (core/fieldkeys.py) instead of answering with errors on every petition page.
from dieuhanh.core.fieldkeys import refuse_if_unusable  # noqa: E402

refuse_if_unusable()

# The cyclic garbage collector: a page allocates tens of thousands of objects, nearly all freed
# by reference counting when it is answered. Python's default (a young collection every 700
# allocations more than frees) ran a collection several times per page and spent about 5% of the
# server's CPU there, and more in what it moved between the generations; every 20,000 it runs about
# once in thirty pages. Measured with the load benchmark's mix (bench/bench_load.py, decision 35).
gc.set_threshold(20_000, 20, 20)
