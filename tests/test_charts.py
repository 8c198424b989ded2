"""The generic SVG charts (portaal/charts.py): what an empty chart and its table say."""
from portaal.charts import Bar, Chart, render


def test_an_empty_chart_says_the_sentence_its_app_gives():
    chart = Chart(key="per_dag", title="Per dag", columns=True,
                  bars=[Bar(label="01/05/2026", count=0, params={"dag": 1})])
    drawn = render(chart, base_url="/lijst/", count_label="Aantal dingen",
                   empty="Nog geen dingen.")
    assert 'aria-label="Per dag. Nog geen dingen."' in drawn["svg"]
    assert '<th scope="col">Aantal dingen</th>' in drawn["table"]
    assert '<td colspan="2">Nog geen dingen.</td>' in drawn["table"]


def test_a_bar_links_to_the_list_filtered_on_it():
    chart = Chart(key="status", title="Per status",
                  bars=[Bar(label="Voorstel", count=3, params={"status__exact": "voorstel"})])
    drawn = render(chart, base_url="/lijst/", count_label="Aantal", empty="Leeg.")
    assert 'aria-label="Per status. Voorstel: 3."' in drawn["svg"]
    assert '<a href="/lijst/?status__exact=voorstel">3</a>' in drawn["table"]
