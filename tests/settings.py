"""Settings for the test suite: the production settings, served over plain http.

Django's test client and the browser tests' live server speak http, so HTTPS (on by default
whenever DEBUG is off) is turned off here, as an operator without TLS in front would. Everything
else is mrd_ngo/settings.py as production reads it. Tests of the HTTPS defaults run manage.py in a
subprocess with mrd_ngo.settings (tests/mrd_ngo/test_deploy.py).
"""
import os

os.environ["HTTPS"] = "off"

from mrd_ngo.settings import *  # noqa: E402,F403
