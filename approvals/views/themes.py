"""Public 一件事 pages: the list of themes and each theme's one guide (一次告知), open to everyone
without signing in. The guide asks the theme's guiding questions as a GET form (it works without
JavaScript and can be bookmarked) and shows what ``theme_plan`` reads for the answers: the
members that apply, each material once with who needs it, the total time against one by one,
the fees, the departments and the procedure."""

from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from approvals.selectors.catalogue import published_names
from approvals.selectors.themes import (
    faced_counts,
    get_published_theme,
    theme_catalogue,
    theme_plan,
)

YES, NO = "yes", "no"


def _bilingual(row: dict, name: str) -> str:
    zh, en = row.get(f"{name}_zh") or "", row.get(f"{name}_en") or ""
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class ThemeQuestionsForm(forms.Form):
    """The theme's guiding questions: a yes/no or a choice as radio buttons, a number as a number
    field. Every question is optional: the guide shows what it can for what is answered."""

    def __init__(self, questions: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q["key"]: q for q in questions}
        for question in questions:
            label = _bilingual(question, "text")
            help_text = _bilingual(question, "help")
            if question["kind"] == "number":
                field = forms.DecimalField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    min_value=0,
                    max_value=10**9,
                    decimal_places=2,
                )
            else:
                choices = (
                    [(YES, gettext("Yes")), (NO, gettext("No"))]
                    if question["kind"] == "yes_no"
                    else [(str(c["value"]), _bilingual(c, "label")) for c in question["choices"]]
                )
                field = forms.ChoiceField(
                    label=label,
                    help_text=help_text,
                    required=False,
                    choices=choices,
                    widget=forms.RadioSelect,
                )
            self.fields[question["key"]] = field

    def answers(self) -> dict:
        """The answers in the shapes the theme's conditions compare: booleans, numbers and the
        choices' own values."""
        answers = {}
        for key, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            question = self.questions[key]
            if question["kind"] == "yes_no":
                answers[key] = value == YES
            elif question["kind"] == "number":
                answers[key] = int(value) if value == int(value) else float(value)
            else:
                answers[key] = next(
                    c["value"] for c in question["choices"] if str(c["value"]) == value
                )
        return answers

    @property
    def all_answered(self) -> bool:
        return self.is_bound and self.is_valid() and len(self.answers()) == len(self.questions)


def describe_condition(condition: dict | None, questions: dict) -> str:
    """A member's condition in words, in the reader's language: "“A sign?” is answered Yes"."""
    if not condition:
        return gettext("Always")
    for joiner, word in (("all", gettext(" and ")), ("any", gettext(" or "))):
        if joiner in condition:
            parts = [describe_condition(part, questions) for part in condition[joiner]]
            return "(" + word.join(parts) + ")" if len(parts) > 1 else parts[0]
    if "not" in condition:
        return gettext("not %(condition)s") % {
            "condition": describe_condition(condition["not"], questions)
        }
    question = questions.get(condition.get("question"), {})
    text = _bilingual(question, "text") or condition.get("question", "")
    if "at_least" in condition:
        return gettext("“%(question)s” is at least %(number)s") % {
            "question": text,
            "number": condition["at_least"],
        }
    value = condition.get("equals")
    if question.get("kind") == "yes_no":
        answer = gettext("Yes") if value is True else gettext("No")
    else:
        answer = next(
            (_bilingual(c, "label") for c in question.get("choices", []) if c["value"] == value),
            str(value),
        )
    return gettext("“%(question)s” is answered %(answer)s") % {"question": text, "answer": answer}


@require_GET
def theme_list(request):
    """Every published theme (办成一件事), with a search over their names and keywords."""
    query = (request.GET.get("q") or "")[:100]
    return render(
        request,
        "approvals/themes/list.html",
        {"versions": list(theme_catalogue(query)), "query": query.strip()},
    )


@require_GET
def theme_guide(request, code: str):
    """The one guide of a theme: the questions, then what applies to the answers."""
    version = get_published_theme(code)
    questions = {q["key"]: q for q in version.questions}
    form = ThemeQuestionsForm(version.questions, request.GET or None)
    answered = form.is_bound and form.is_valid()
    plan = theme_plan(version, form.answers() if answered else {})
    as_theme, one_by_one = faced_counts(plan)
    names = {p.key: p.version.name for p in plan.members}
    skipped_names = published_names({m.service_item.code for m in plan.skipped})
    members = [
        {
            "plan": p,
            "condition": describe_condition(p.member.condition, questions),
            "waits_for": [names[key] for key in p.waits_for],
            "cited": [
                (material.name, names[p.cited_from[material.key]])
                for material in p.version.materials.all()
                if material.key in p.cited_from
            ],
        }
        for p in plan.members
    ]
    return render(
        request,
        "approvals/themes/guide.html",
        {
            "version": version,
            "form": form,
            "answered": answered,
            "complete": form.all_answered,
            "plan": plan,
            "members": members,
            "skipped": [
                {
                    "member": m,
                    "name": skipped_names.get(m.service_item.code, m.service_item.code),
                    "condition": describe_condition(m.condition, questions),
                }
                for m in plan.skipped
            ],
            "shared_materials": [
                {"material": m, "needed_by": [names[key] for key in m.members]}
                for m in plan.shared_materials
            ],
            "sequential_promised_days": sum(p.version.promised_limit_days for p in plan.members),
            "as_theme": as_theme,
            "one_by_one": one_by_one,
            # The answers travel to the application, so that it does not ask them again.
            "apply_query": urlencode(
                {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            )
            if answered
            else "",
        },
    )
