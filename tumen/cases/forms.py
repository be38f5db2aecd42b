"""Forms for the case pages. Each parses what an official posts; the services decide.

Every form that changes a record carries the `version` the official saw, which the service
compares with the record's, so that acting on a page someone else has since changed is refused
instead of silently overwriting their work. Labels of case types, fields and grounds come from
the policy pack, in the active language.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tumen.cases.models import MemberOutcome, Status
from tumen.cases.validation import label
from tumen.lib.parse import IdField, parse_id
from tumen.lib.policy import CaseType, Ground
from tumen.people.forms import DateInput, RelationAddForm, date_field
from tumen.people.models import RelationKind

# Relationships to the principal that intake offers; stored as these codes.
RELATIONSHIPS = {
    "spouse": _("Spouse"),
    "child": _("Child"),
    "parent": _("Parent"),
    "sibling": _("Sibling"),
    "grandchild": _("Grandchild"),
    "other": _("Other relative"),
}
DECISION_OUTCOMES = (MemberOutcome.APPROVED, MemberOutcome.REFUSED, MemberOutcome.ON_HOLD)
# The effect a ground must have for an approver to choose each outcome other than approval.
OUTCOME_EFFECT = {MemberOutcome.REFUSED: "refuse", MemberOutcome.ON_HOLD: "hold"}


def ground_label(ground: Ground) -> str:
    return f"{label(ground.label)} ({ground.clause})"


class VersionForm(forms.Form):
    version = IdField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is incomplete. Reload the page and try again."),
            "invalid": _("The form is incomplete. Reload the page and try again."),
            "min_value": _("The form is incomplete. Reload the page and try again."),
        },
    )


class SeenCaseForm(VersionForm):
    """A clearance form: the clearance's version, and the case's as the official saw it."""

    case_version = IdField(widget=forms.HiddenInput)


# Worklist -----------------------------------------------------------------------------------


class WorklistForm(forms.Form):
    """The worklist's filters. All are GET parameters and none is personal."""

    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    county = forms.ChoiceField(label=_("County or district"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    number = forms.CharField(label=_("Case number"), max_length=40, required=False)

    def __init__(self, *args, case_types=(), statuses=(), counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["case_type"].choices = every + [(t.code, label(t.title)) for t in case_types]
        self.fields["status"].choices = every + [(s, Status(s).label) for s in statuses]
        self.fields["county"].choices = every + [(c.code, c.name) for c in counties]

    def chosen(self) -> dict:
        """The filters that were given and are valid; anything else is ignored."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class NameSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Person's name"),
        max_length=150,
        help_text=_("In any script. The name is sent privately and never appears in the address."),
        error_messages={"required": _("Enter a name to search for")},
    )


# Intake -------------------------------------------------------------------------------------


class CaseTypeForm(forms.Form):
    case_type = forms.ChoiceField(
        label=_("What kind of case is it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of case")},
    )

    def __init__(self, *args, case_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [(t.code, label(t.title)) for t in case_types]


class MemberExtraForm(VersionForm):
    """What intake asks about a household member besides who they are."""

    relationship = forms.ChoiceField(
        label=_("Relationship to the principal"),
        choices=[("", _("Choose a relationship")), *RELATIONSHIPS.items()],
        error_messages={"required": _("Choose how this person is related to the principal")},
    )


class RemoveMemberForm(VersionForm):
    person_id = IdField(widget=forms.HiddenInput)


class DetailsForm(VersionForm):
    """The case details the pack asks for; what is required is checked against the pack."""

    def __init__(self, *args, case_type: CaseType, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in case_type.fields:
            text = label(rule.label)
            self.fields[rule.name] = forms.CharField(
                label=text if rule.required else _("%(label)s (optional)") % {"label": text},
                required=False,
                max_length=500,
                widget=DateInput() if rule.kind == "date" else forms.TextInput(),
                help_text=(
                    _("For example 1963-09-02. Policy clause %(clause)s.")
                    if rule.kind == "date"
                    else _("Policy clause %(clause)s.")
                )
                % {"clause": rule.clause},
            )
        self.rules = case_type.fields

    def details(self) -> dict:
        return {rule.name: self.cleaned_data.get(rule.name, "").strip() for rule in self.rules}


class SubmitForm(VersionForm):
    pass


class StartForm(forms.Form):
    """Starting an application takes nothing but the clerk's say-so (and the CSRF token)."""


# Clearances -------------------------------------------------------------------------------


class ClearForm(SeenCaseForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FlagForm(SeenCaseForm):
    ground = forms.ChoiceField(
        label=_("On which ground does your unit flag the case?"),
        widget=forms.RadioSelect,
        help_text=_("The policy allows only these grounds. Each names the clause it comes from."),
        error_messages={"required": _("Choose the ground the policy lists for what you found")},
    )
    member = forms.ChoiceField(label=_("Who does it concern?"), required=False)
    note = forms.CharField(
        label=_("What did your unit find?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what your unit found")},
    )

    def __init__(self, *args, case_type: CaseType, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [
            (ground.code, ground_label(ground)) for ground in case_type.grounds.values()
        ]
        self.fields["member"].choices = [("", _("The whole household"))] + [
            (str(member.pk), member.person.display_name) for member in members
        ]

    def member_id(self) -> int | None:
        return parse_id(self.cleaned_data.get("member"))


class ResolveForm(SeenCaseForm):
    note = forms.CharField(
        label=_("How was it settled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say how what was flagged has been settled")},
    )


# Decision, withdrawal, re-typing ------------------------------------------------------------


class DecisionForm(VersionForm):
    """The proposal, member by member, which the approver confirms or changes."""

    note = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Required when you change what the policy proposes: approving over a flag, holding "
            "or refusing."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal, case_type: CaseType, members, **kwargs):
        super().__init__(*args, **kwargs)
        effects = {g.effect for g in case_type.grounds.values()}
        # Only the outcomes the pack has grounds for: no "refuse" where it lists no refusal.
        offered = [
            (o.value, o.label)
            for o in DECISION_OUTCOMES
            if o == MemberOutcome.APPROVED or OUTCOME_EFFECT[o] in effects
        ]
        grounds = [("", _("No ground"))] + [
            (g.code, ground_label(g))
            for g in case_type.grounds.values()
            if g.effect in ("refuse", "hold")
        ]
        self.proposal = proposal
        self.rows = []
        for member in members:
            proposed = proposal.for_member(member.pk)
            outcome, ground = f"outcome_{member.pk}", f"ground_{member.pk}"
            self.fields[outcome] = forms.ChoiceField(
                label=member.person.display_name,
                choices=offered,
                widget=forms.RadioSelect,
                initial=proposed.outcome,
            )
            self.fields[ground] = forms.ChoiceField(
                label=_("Ground, for a refusal or a hold"),
                choices=grounds,
                required=False,
                initial=proposed.ground or "",
            )
            self.rows.append((member, proposed, self[outcome], self[ground]))

    def member_outcomes(self) -> dict[int, tuple[str, str | None]]:
        """Only what the approver changed; the rest of the proposal stands as it is."""
        changed = {}
        for member, proposed, outcome, ground in self.rows:
            chosen = self.cleaned_data[outcome.name]
            reason = self.cleaned_data.get(ground.name) or None
            if (chosen, reason) != (proposed.outcome, proposed.ground):
                changed[member.pk] = (chosen, reason)
        return changed

    def field_for(self, key: str) -> str | None:
        """The field a problem of case_decide is about: `member_outcomes[12]` is member 12's."""
        if key.startswith("member_outcomes["):
            member = key.removeprefix("member_outcomes[").rstrip("]")
            for name in (f"ground_{member}", f"outcome_{member}"):
                if name in self.fields:
                    return name
        return key


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why is the case withdrawn?"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most 200 characters. It is kept on the case's record."),
        error_messages={
            "required": _("Say why the case is withdrawn"),
            "max_length": _("Say why in at most 200 characters"),
        },
    )


class RetypeForm(VersionForm):
    ground = forms.ChoiceField(
        label=_("On which ground is the case re-typed?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the ground")},
    )

    def __init__(self, *args, case_type: CaseType, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [
            (g.code, ground_label(g)) for g in case_type.grounds.values() if g.retype_to
        ]


# Foreign requests -------------------------------------------------------------------------


class ForeignRequestNoteForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the note"),
        max_length=100,
        error_messages={"required": _("Enter the note's reference")},
    )
    received_on = date_field(_("Received on"), required=True)
    authority = forms.CharField(
        label=_("Requesting authority"),
        max_length=200,
        error_messages={"required": _("Enter the authority that sent the note")},
    )


class ForeignPersonForm(forms.Form):
    """How the note names a person: their household, whether they head it, the officer."""

    household = forms.CharField(
        label=_("Household in the note"),
        max_length=40,
        help_text=_("The household as the note groups it, for example A or 1."),
        error_messages={"required": _("Enter the household this person travels with")},
    )
    is_principal = forms.BooleanField(label=_("This person heads the household"), required=False)
    officer_name = forms.CharField(
        label=_("Officer the household is family of (optional)"),
        max_length=150,
        required=False,
        help_text=_("As the note names the Korean People's Army officer."),
    )


class SplitForm(VersionForm):
    pass


class QualifyingRelationForm(RelationAddForm):
    """A relation the case type's eligibility reads, recorded at intake for one member."""

    person_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, kinds: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        field.choices = [(k, RelationKind(k).label) for k in kinds]
        if len(kinds) == 1:
            field.initial = kinds[0]
        field.help_text = ""
        self.fields["relative_place"].label = _("Where the relative lives")
