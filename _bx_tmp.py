import os, time
os.environ["DJANGO_SETTINGS_MODULE"] = "portaal.settings_test"
import django; django.setup()
from django.db import connection
from django.test.utils import setup_test_environment
setup_test_environment()
connection.creation.create_test_db(verbosity=0, autoclobber=True)
from tests.bench import export as b
from registraties.models import Registratie
for n in (1000, 10000):
    t=time.perf_counter(); r=b._make_round(n); print(n, "make", time.perf_counter()-t, flush=True)
    qs=Registratie.objects.filter(ronde=r)
    print("ours", b._measure(b._ours, qs, memory=False), flush=True)
    print("floor", b._measure(b._floor, qs, memory=False), flush=True)
    print("ours", b._measure(b._ours, qs, memory=False), flush=True)
    print("floor", b._measure(b._floor, qs, memory=False), flush=True)
    t=time.perf_counter(); print("ours MB", b._measure(b._ours, qs, memory=True), time.perf_counter()-t, flush=True)
