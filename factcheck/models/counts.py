"""Running counts of claims by status, so the dashboard reads seven rows instead of counting
the archive. Kept by factcheck.counts; `flask recount` rebuilds it."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import ClaimStatus, enum_column


class ClaimStatusCount(db.Model):
    __tablename__ = "claim_status_counts"

    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus, "claim_status"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
