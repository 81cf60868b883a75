"""Settings for the test suite: the production settings, served over plain http.

Django's test client and the browser tests' live server speak http, so HTTPS (on by default
whenever DEBUG is off) is turned off here, as an operator without TLS in front would. Everything
else is mrd_ngo/settings.py as production reads it. Tests of the HTTPS defaults run manage.py in a
subprocess with a clean environment (tests/mrd_ngo/test_deploy.py).
"""
import os

os.environ["HTTPS"] = "off"

from mrd_ngo.settings import *  # noqa: E402,F403

# Commands the tests start in a subprocess (manage.py on a copy of the code, bin/serve) load the
# project's own settings module, which needs nothing from tests/; HTTPS=off reaches them through
# the environment like any operator's setting.
os.environ["DJANGO_SETTINGS_MODULE"] = "mrd_ngo.settings"
