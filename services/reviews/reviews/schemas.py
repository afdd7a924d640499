"""Input schemas and output shapes of the reviews service."""
from marshmallow import ValidationError, fields, validate

from portico_kit.timeutil import iso
from portico_kit.validation import StrictSchema, text


class StrictInteger(fields.Integer):
    """A JSON integer only: "5", 4.5 or true are refused rather than coerced."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be a whole number.")
        return value


class ReviewSchema(StrictSchema):
    request_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    rating = StrictInteger(required=True, validate=validate.Range(min=1, max=5, error="Choose 1 to 5 stars."))
    comment = text(5000, allow_none=True)


def request_dict(request):
    result = {"id": request.id, "customer_id": request.customer_id, "customer_name": request.customer_name,
              "status": request.status, "source": request.source, "created_at": iso(request.created_at),
              "last_sent_at": iso(request.last_sent_at), "times_sent": request.times_sent,
              "completed_at": iso(request.completed_at)}
    if request.review is not None:
        result["review"] = review_dict(request.review)
    return result


def review_dict(review):
    return {"id": review.id, "request_id": review.request_id, "customer_id": review.customer_id,
            "customer_name": review.customer_name, "rating": review.rating, "comment": review.comment or "",
            "submitted_at": iso(review.submitted_at)}
