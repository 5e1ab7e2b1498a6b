"""Writes to consultation. Each is one transaction: lock the question, check the state machine,
change, audit, notify."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.accounts.models import User
from gongzhi.cases.models import Case, Category
from gongzhi.consultation import routing, workflow
from gongzhi.consultation.choices import AuthorRole, QuestionState
from gongzhi.consultation.models import Answer, FaqEntry, Question, QuestionPhoto
from gongzhi.consultation.search import search_text
from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.masking import mask_name, mask_text
from gongzhi.core.notifications import notify
from gongzhi.core.uploads import CleanImage, clean_image
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

MAX_PHOTOS = 6
ASKABLE_LEVELS = frozenset({PlaceLevel.COMMUNITY, PlaceLevel.COURTYARD, PlaceLevel.BUILDING})
STATE_FIELDS = ["state", "escalated_at", "answered_at", "closed_at", "case"]


def question_url(question: Question) -> str:
    return f"/consultation/{question.pk}/"


def may_ask(user: Any, place: Place) -> bool:
    """Residents (and anyone with a role) may ask about anything in the communities where they
    live or serve: the community, its courtyards and buildings (one query)."""
    if place.level not in ASKABLE_LEVELS:
        return False
    if permissions.is_superuser(user):
        return True
    grants = permissions.grants_of(user)
    if any(place.path.startswith(g.place_path) for g in grants):
        return True
    lines = {path for g in grants for path in [*Place(path=g.place_path).ancestor_paths()]}
    communities = Place.objects.filter(path__in=lines, level=PlaceLevel.COMMUNITY).values_list(
        "path", flat=True
    )
    return any(place.path.startswith(path) for path in communities)


def _check_text(errors: dict[str, list[str]], field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def _clean_photos(errors: dict[str, list[str]], photos: Sequence[IO[bytes]]) -> list[CleanImage]:
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]
        return []
    cleaned = []
    for index, upload in enumerate(photos):
        try:
            cleaned.append(clean_image(upload, name=_("Photo %(n)d") % {"n": index + 1}))
        except InvalidInput as exc:
            for key, messages in exc.fields.items():
                errors.setdefault(key, []).extend(messages)
    return cleaned


def _save_photos(
    question: Question, answer: Answer | None, images: list[CleanImage], actor: User
) -> None:
    now = clock.now()
    QuestionPhoto.objects.bulk_create(
        [
            QuestionPhoto(
                question=question,
                answer=answer,
                image=image.content,
                content_type=image.content_type,
                width=image.width,
                height=image.height,
                uploaded_by=actor,
                uploaded_at=now,
            )
            for image in images
        ]
    )


def _lock(question: Question) -> Question:
    return (
        Question.objects.select_for_update(of=("self",)).select_related("place").get(pk=question.pk)
    )


def _audit(actor: Any, action: str, question: Question, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"question.{action}",
        obj=question,
        place=question.place,
        before=before,
        after=snapshot(question, STATE_FIELDS),
    )


def _save(question: Question, fields: list[str]) -> None:
    question.updated_at = clock.now()
    question.save(update_fields=[*fields, "updated_at"])


def _responders(question: Question) -> list[User]:
    """Everyone who replied as a responder, plus whoever is on duty now."""
    replied = User.objects.filter(
        pk__in=question.answers.filter(author_role=AuthorRole.RESPONDER).values("author_id")
    )
    return [*routing.first_recipients(question.place), *replied]


# ---------------------------------------------------------------- asking and replying


def question_ask(
    *, actor: User, place: Place, title: str, body: str, photos: Sequence[IO[bytes]] = ()
) -> Question:
    """A resident asks; the people on duty for the place are told (or the community workers)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted()
    if not may_ask(actor, place):
        raise NotPermitted(_("You can ask only about the courtyards and communities you live in."))
    errors: dict[str, list[str]] = {}
    title = _check_text(errors, "title", title, 80)
    body = _check_text(errors, "body", body, 2000)
    images = _clean_photos(errors, photos)
    if errors:
        raise InvalidInput(fields=errors)
    now = clock.now()
    with transaction.atomic():
        question = Question.objects.create(
            place=place,
            place_path=place.path,
            asker=actor,
            title=title,
            body=body,
            asked_at=now,
            updated_at=now,
            escalate_due_at=routing.escalate_due(now),
        )
        _save_photos(question, None, images, actor)
        _audit(actor, "asked", question, {})
        notify(
            recipients=[u for u in routing.first_recipients(place) if u.pk != actor.pk],
            kind="question.asked",
            title=_("New question: %(title)s") % {"title": title},
            body=f"{place.name}",
            url=question_url(question),
        )
    return question


def question_reply(
    *, actor: User, question: Question, body: str, photos: Sequence[IO[bytes]] = ()
) -> Answer:
    """A reply in the thread: a responder's answer, or the asker's follow-up."""
    errors: dict[str, list[str]] = {}
    body = _check_text(errors, "body", body, 2000)
    images = _clean_photos(errors, photos)
    with transaction.atomic():
        question = _lock(question)
        workflow.check(question, "reply", actor)
        if errors:
            raise InvalidInput(fields=errors)
        before = snapshot(question, STATE_FIELDS)
        now = clock.now()
        role = AuthorRole.ASKER if question.asker_id == actor.pk else AuthorRole.RESPONDER
        answer = Answer.objects.create(
            question=question, author=actor, author_role=role, body=body, at=now
        )
        _save_photos(question, answer, images, actor)
        fields = []
        if role == AuthorRole.RESPONDER and question.first_response_at is None:
            question.first_response_at = now
            fields.append("first_response_at")
        _save(question, fields)
        _audit(actor, "replied", question, before)
        if role == AuthorRole.RESPONDER:
            recipients: list[User] = [question.asker]
            title = _("Your question was answered: %(title)s")
        else:
            recipients = [u for u in _responders(question) if u.pk != actor.pk]
            title = _("The asker replied: %(title)s")
        notify(
            recipients=recipients,
            kind="question.replied",
            title=title % {"title": question.title},
            body=body[:200],
            url=question_url(question),
        )
    return answer


def _move(actor: Any, question: Question, name: str) -> Question:
    """Take a transition that only changes state and records its timestamp."""
    with transaction.atomic():
        question = _lock(question)
        transition = workflow.check(question, name, actor)
        before = snapshot(question, STATE_FIELDS)
        fields = []
        if transition.target is not None:
            question.state = transition.target
            fields.append("state")
        if transition.records:
            setattr(question, transition.records, clock.now())
            fields.append(transition.records)
        _save(question, fields)
        _audit(actor, name, question, before)
    return question


def question_mark_answered(*, actor: User, question: Question) -> Question:
    return _move(actor, question, "mark_answered")


def question_reopen(*, actor: User, question: Question) -> Question:
    return _move(actor, question, "reopen")


def question_close(*, actor: User, question: Question) -> Question:
    question = _move(actor, question, "close")
    notify(
        recipients=[question.asker],
        kind="question.closed",
        title=_("Your question was closed: %(title)s") % {"title": question.title},
        url=question_url(question),
    )
    return question


# ---------------------------------------------------------------- escalation


def question_escalate_sweep(*, batch: int = 500) -> dict[str, int]:
    """Pass every open question nobody answered in time to the community workers (once each)."""
    now = clock.now()
    due_ids = list(
        Question.objects.filter(
            state=QuestionState.OPEN,
            first_response_at__isnull=True,
            escalated_at__isnull=True,
            escalate_due_at__lte=now,
        )
        .order_by("escalate_due_at", "id")
        .values_list("pk", flat=True)[:batch]
    )
    escalated = 0
    for pk in due_ids:
        with transaction.atomic():
            question = _lock(Question(pk=pk))
            if question.first_response_at is not None or question.escalated_at is not None:
                continue  # answered, or another worker took it, in the meantime
            if question.state != QuestionState.OPEN:
                continue
            before = snapshot(question, STATE_FIELDS)
            question.escalated_at = now
            _save(question, ["escalated_at"])
            _audit(None, "escalated", question, before)
            notify(
                recipients=routing.community_workers(question.place),
                kind="question.escalated",
                title=_("Unanswered question: %(title)s") % {"title": question.title},
                body=question.place.name,
                url=question_url(question),
            )
            escalated += 1
    return {"escalated": escalated}


# ---------------------------------------------------------------- turning into a case


def question_convert(
    *, actor: User, question: Question, category: Category, nature: str, note: str = ""
) -> Case:
    """Staff register the question as a case for the asker; each links to the other."""
    from gongzhi.cases.choices import Channel
    from gongzhi.cases.services import case_report

    with transaction.atomic():
        question = _lock(question)
        workflow.check(question, "convert", actor)
        before = snapshot(question, STATE_FIELDS)
        asker = question.asker
        detail = _("From question #%(n)d in consultation.") % {"n": question.pk}
        case = case_report(
            actor=actor,
            channel=Channel.AGENT,
            category=category,
            nature=nature,
            title=question.title,
            description=question.body,
            place=question.place,
            photos=[photo.image.open("rb") for photo in question.photos.filter(answer=None)],
            contact_name=asker.name,
            contact_phone=asker.phone or "",
            contact_detail="\n".join(filter(None, [detail, note.strip()])),
            on_behalf_of=asker,
        )
        question.state = QuestionState.CONVERTED
        question.case = case
        _save(question, ["state", "case"])
        _audit(actor, "converted", question, before)
        notify(
            recipients=[asker],
            kind="question.converted",
            title=_("Your question is now case %(number)s") % {"number": case.number},
            url=f"/cases/{case.pk}/",
        )
    return case


# ---------------------------------------------------------------- the FAQ


def _mask_people(text: str, names: list[str]) -> str:
    for name in sorted({n for n in names if len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return mask_text(text)


def _names(question: Question, answers: list[Answer]) -> list[str]:
    return [question.asker.name, *(a.author.name for a in answers)]


def faq_texts(question: Question) -> dict[str, str]:
    """The question and its responders' answers, masked: the proposal staff edit before publishing."""
    answers = list(question.answers.select_related("author"))
    names = _names(question, answers)
    answer_text = "\n\n".join(a.body for a in answers if a.author_role == AuthorRole.RESPONDER)
    return {
        "title": _mask_people(question.title, names),
        "question_text": _mask_people(question.body, names),
        "answer_text": _mask_people(answer_text, names),
    }


def faq_publish(
    *,
    actor: User,
    question: Question,
    title: str = "",
    question_text: str = "",
    answer_text: str = "",
) -> FaqEntry:
    """Publish an answered question to its community's FAQ (texts masked again, whatever given)."""
    with transaction.atomic():
        question = _lock(question)
        workflow.check(question, "publish", actor)
        proposal = faq_texts(question)
        names = _names(question, list(question.answers.select_related("author")))
        errors: dict[str, list[str]] = {}
        title = _check_text(errors, "title", title or proposal["title"], 80)
        question_text = _check_text(
            errors, "question_text", question_text or proposal["question_text"], 2000
        )
        answer_text = _check_text(
            errors, "answer_text", answer_text or proposal["answer_text"], 4000
        )
        if errors:
            raise InvalidInput(fields=errors)
        title, question_text, answer_text = (
            _mask_people(text, names) for text in (title, question_text, answer_text)
        )
        entry = FaqEntry.objects.filter(question=question).first() or FaqEntry(question=question)
        before = snapshot(entry, ["title", "is_published"]) if entry.pk else {}
        entry.community = routing.community_of(question.place)
        entry.title, entry.question_text, entry.answer_text = title, question_text, answer_text
        entry.search_text = search_text(title, question_text, answer_text)
        entry.is_published = True
        entry.published_by = actor
        entry.published_at = clock.now()
        entry.save()
        audit_record(
            actor=actor,
            action="faq.published",
            obj=entry,
            place=entry.community,
            before=before,
            after=snapshot(entry, ["title", "is_published", "question"]),
        )
    return entry


def faq_unpublish(*, actor: User, entry: FaqEntry) -> FaqEntry:
    with transaction.atomic():
        entry = FaqEntry.objects.select_for_update().select_related("community").get(pk=entry.pk)
        permissions.require(actor, "consultation.manage", entry.community)
        before = snapshot(entry, ["is_published"])
        entry.is_published = False
        entry.save(update_fields=["is_published"])
        audit_record(
            actor=actor,
            action="faq.unpublished",
            obj=entry,
            place=entry.community,
            before=before,
            after=snapshot(entry, ["is_published"]),
        )
    return entry
