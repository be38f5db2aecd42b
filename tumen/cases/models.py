"""Cases under written policy: members, parallel clearances, decisions, transitions.

Status changes happen only in tumen/cases/services.py; each one writes a Transition row and an
audit event in the same transaction and bumps `version`, which callers pass back so that a stale
form (someone else acted first) is refused instead of silently overwriting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tumen.lib import clock
from tumen.org.models import Jurisdiction, UnitKind, WorkUnit
from tumen.people.models import Person
from tumen.policy.models import PolicyPack


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_CLEARANCE = "in_clearance", _("In clearance")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    AUTHORIZED = "authorized", _("Authorized")
    DEPARTED = "departed", _("Departed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RETYPED = "retyped", _("Re-typed")
    # A draft the county gave up before submitting it: not an application anyone withdrew.
    DISCARDED = "discarded", _("Discarded")


OPEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_CLEARANCE,
    Status.AWAITING_DECISION,
    Status.ON_HOLD,
)


class Priority(models.IntegerChoices):
    NORMAL = 0, _("Normal")
    HIGH = 1, _("High")
    EXPEDITED = 2, _("Expedited")


class ForeignRequest(models.Model):
    """A request from the other side's authority (a diplomatic note) naming persons."""

    reference = models.CharField(_("note reference"), max_length=100, unique=True)
    received_on = models.DateField(_("received on"))
    authority = models.CharField(_("requesting authority"), max_length=200)
    registered_by = models.ForeignKey(
        WorkUnit, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    split_at = models.DateTimeField(_("split into cases at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("foreign request")
        verbose_name_plural = _("foreign requests")

    def __str__(self) -> str:
        return self.reference


class ForeignRequestPerson(models.Model):
    # Not indexed on its own: request_person_once starts with it.
    request = models.ForeignKey(
        ForeignRequest,
        verbose_name=_("foreign request"),
        on_delete=models.CASCADE,
        related_name="persons",
        db_index=False,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.CharField(_("household"), max_length=40)
    is_principal = models.BooleanField(_("principal of the household"), default=False)
    officer_name = models.CharField(_("officer named in the request"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("person named in a request")
        verbose_name_plural = _("persons named in requests")
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="request_person_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.household}/{self.person_id}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=40, unique=True)
    case_type = models.SlugField(_("case type"), max_length=50)
    policy_pack = models.ForeignKey(
        PolicyPack, verbose_name=_("policy pack"), on_delete=models.PROTECT, related_name="cases"
    )
    # Not indexed on its own: case_worklist_by_county starts with it.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("county of intake"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    intake_unit = models.ForeignKey(
        WorkUnit, verbose_name=_("intake unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    foreign_request = models.ForeignKey(
        ForeignRequest,
        verbose_name=_("foreign request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    retyped_from = models.OneToOneField(
        "self",
        verbose_name=_("re-typed from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retyped_to",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # Serves worklists: open cases of a subtree, most urgent first.
            models.Index(fields=["status", "-priority", "decision_due"], name="case_worklist"),
            # Serves subtree filters and reports by county (its first two columns), and a
            # worklist's page of case ids (selectors.cases_for: the official's counties,
            # maybe some statuses, ordered by priority, overdue, due date) from the index alone,
            # without reading case rows; benchmarks/pages.py and docs/performance.md ("Pages").
            models.Index(
                fields=["jurisdiction", "status", "priority", "decision_due"],
                name="case_worklist_by_county",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    DEPENDANT = "dependant", _("Dependant")


class MemberOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    ON_HOLD = "on_hold", _("On hold")


class CaseMember(models.Model):
    """A person travelling on a case. A household gets one decision, with an outcome each."""

    # Not indexed on its own: member_once_per_case starts with it.
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="members",
        db_index=False,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="case_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    relationship = models.CharField(_("relationship to the principal"), max_length=30, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=MemberOutcome.choices, default=MemberOutcome.PENDING
    )
    ground = models.CharField(_("ground"), max_length=50, blank=True)
    clause_id = models.CharField(_("clause"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("case member")
        verbose_name_plural = _("case members")
        ordering = ["case", "-role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="member_once_per_case"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="principal"), name="one_principal_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.person_id}"


class ClearanceStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLEARED = "cleared", _("Cleared")
    FLAGGED = "flagged", _("Flagged")
    # The case was withdrawn or re-typed while this check was pending: nobody must do it.
    CANCELLED = "cancelled", _("Cancelled")


class Clearance(models.Model):
    """One work unit's check on a case; they run in parallel, one per required unit kind."""

    # Not indexed on its own: clearance_once_per_kind starts with it.
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="clearances",
        db_index=False,
    )
    unit_kind = models.CharField(_("unit kind"), max_length=30, choices=UnitKind.choices)
    # Not indexed on its own: clearance_worklist starts with it.
    unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        on_delete=models.PROTECT,
        related_name="clearances",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClearanceStatus.choices, default=ClearanceStatus.PENDING
    )
    clause_id = models.CharField(_("clause"), max_length=60)
    ground = models.CharField(_("flag ground"), max_length=50, blank=True)
    member = models.ForeignKey(
        CaseMember,
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    due_at = models.DateTimeField(_("due"))
    escalated_to = models.ForeignKey(
        WorkUnit,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        ordering = ["case", "unit_kind"]
        constraints = [
            models.UniqueConstraint(fields=["case", "unit_kind"], name="clearance_once_per_kind"),
            models.CheckConstraint(
                condition=~Q(status="flagged") | ~Q(ground=""), name="flag_names_a_ground"
            ),
        ]
        indexes = [
            # Serves the clearing unit's worklist and the deadline sweep.
            models.Index(fields=["unit", "status", "due_at"], name="clearance_worklist"),
            models.Index(fields=["status", "due_at"], name="clearance_overdue_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.unit_kind}"


class Decision(models.Model):
    """A household decision: proposed from the pack's rules, confirmed or changed by an approver."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PARTLY_APPROVED = "partly_approved", _("Partly approved")
        REFUSED = "refused", _("Refused")
        ON_HOLD = "on_hold", _("On hold")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    proposed_outcome = models.CharField(
        _("proposed outcome"), max_length=20, choices=Outcome.choices
    )
    policy_pack = models.ForeignKey(
        PolicyPack, verbose_name=_("policy pack"), on_delete=models.PROTECT, related_name="+"
    )
    clause_id = models.CharField(_("clause"), max_length=60)
    member_outcomes = models.JSONField(_("member outcomes"), default=list)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["case", "decided_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(clause_id=""), name="decision_cites_a_clause"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"


class Transition(models.Model):
    """A status change, as data: it drives timelines, deadlines and reports."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    clause_id = models.CharField(_("clause"), max_length=60, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status}→{self.to_status}"


class IssueKind(models.TextChoices):
    REFUSAL = "refusal", _("Refusal")
    FLAG = "flag", _("Flag")
    OVERDUE = "overdue", _("Overdue clearance")
    RETYPED = "retyped", _("Re-typed case")
    REUSED = "reused", _("Single-use document presented again")


class ExistingIssue(models.Model):
    """Something the situation report must tell upward: refusals, flags, delays."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="issues"
    )
    # Not indexed on its own: issue_by_place_time starts with it.
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=12, choices=IssueKind.choices)
    ground = models.CharField(_("ground"), max_length=50, blank=True)
    clause_id = models.CharField(_("clause"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        verbose_name = _("existing issue")
        verbose_name_plural = _("existing issues")
        indexes = [
            # Serves the situation report: issues of a subtree in a period.
            models.Index(fields=["jurisdiction", "raised_at"], name="issue_by_place_time"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class CaseNumberCounter(models.Model):
    """The last case number handed out per county and year; locked while a number is taken."""

    # Not indexed on its own: counter_once starts with it.
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id}/{self.year}: {self.last}"
