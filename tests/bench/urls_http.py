"""The portal's URLs plus two floor views, served through the same middleware as every page.

``bench/hello/`` is the least a GET can cost; ``bench/insert/`` is the least a form POST
can cost (a 3-field form, one INSERT, a redirect). The public pages are measured against
them in the same run (tests/bench/http.py).
"""
from django import forms
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import include, path

from tests.load.database import BENCH_TABLE


class InsertForm(forms.Form):
    naam = forms.CharField(max_length=100)
    email = forms.EmailField()
    aantal = forms.IntegerField(min_value=0)


def hello(request):
    return HttpResponse("ok")


def insert(request):
    form = InsertForm(request.POST)
    if request.method != "POST" or not form.is_valid():
        return HttpResponseBadRequest("ongeldig")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {BENCH_TABLE} (naam, email, aantal) VALUES (%s, %s, %s)",  # noqa: S608
                       [form.cleaned_data["naam"], form.cleaned_data["email"],
                        form.cleaned_data["aantal"]])
    return HttpResponseRedirect("/bench/hello/")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/insert/", insert),
    path("", include("portaal.urls")),
]
