"""RPC methods for the organization's custom field definitions (mixed into CustomersService)."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import org_of, require_staff
from portico_kit.errors import Conflict, Invalid, NotFound
from portico_kit.rpc import rpc
from portico_kit.validation import load

from .custom_fields import (MAX_FIELDS, DefinitionSchema, DefinitionUpdateSchema, check_definition,
                            definition_dict)
from .models import CustomFieldDefinition, Customer


class DefinitionsMixin:

    @rpc
    def list_custom_fields(self, actor):
        """Staff: every definition. A customer: only those shown in the portal."""
        definitions = self._definitions(org_of(actor))
        if actor["kind"] == "customer":
            definitions = [d for d in definitions if d.show_in_portal]
        return [definition_dict(d) for d in definitions]

    @rpc
    def create_custom_field(self, actor, data):
        org_id = require_staff(actor)
        data = load(DefinitionSchema(), data)
        data.setdefault("options", [])
        data.setdefault("show_in_portal", False)
        data.setdefault("editable_in_portal", False)
        problems = check_definition(data["type"], data["options"], data["show_in_portal"],
                                    data["editable_in_portal"])
        if problems:
            raise Invalid(message="The custom field is not valid.", fields=problems)
        count = self.db.scalar(select(func.count()).select_from(CustomFieldDefinition)
                               .where(CustomFieldDefinition.org_id == org_id))
        if count >= MAX_FIELDS:
            raise Invalid(code="too_many_custom_fields",
                          message=f"An organization can have up to {MAX_FIELDS} custom fields.")
        definition = CustomFieldDefinition(org_id=org_id, **data)
        self.db.add(definition)
        try:
            self.db.flush()
        except IntegrityError:
            self.db.rollback()
            raise Conflict(code="custom_field_key_taken", message="Another custom field has that key.",
                           fields={"key": "Already used by another custom field."})
        self.db.commit()
        return definition_dict(definition)

    @rpc
    def update_custom_field(self, actor, key, data):
        org_id = require_staff(actor)
        definition = self._definition(org_id, key)
        if isinstance(data, dict) and {"key", "type"} & set(data):
            fixed = {name: "Cannot change; add a new field instead." for name in ("key", "type") if name in data}
            raise Invalid(code="custom_field_fixed",
                          message="The key and type of a custom field cannot change, since values "
                                  "were saved under them. Add a new field instead.", fields=fixed)
        data = load(DefinitionUpdateSchema(), data, partial=True)
        after = {name: data.get(name, getattr(definition, name))
                 for name in ("options", "show_in_portal", "editable_in_portal")}
        if data.get("show_in_portal") is False and "editable_in_portal" not in data:
            after["editable_in_portal"] = False  # hiding a field also stops customers editing it
        problems = check_definition(definition.type, after["options"], after["show_in_portal"],
                                    after["editable_in_portal"])
        if problems:
            raise Invalid(message="The custom field is not valid.", fields=problems)
        for name, value in dict(data, **after).items():
            setattr(definition, name, value)
        self.db.commit()
        return definition_dict(definition)

    @rpc
    def delete_custom_field(self, actor, key):
        """The definition and every customer's value for it go together."""
        org_id = require_staff(actor)
        definition = self._definition(org_id, key)
        holders = self.db.scalars(select(Customer).where(Customer.org_id == org_id,
                                                         Customer.custom_fields.is_not(None))).all()
        for customer in holders:
            if key in (customer.custom_fields or {}):
                customer.custom_fields = {k: v for k, v in customer.custom_fields.items() if k != key}
        self.db.delete(definition)
        self.db.commit()
        return {"deleted": True, "key": key}

    # -- helpers -------------------------------------------------------------------------------

    def _definitions(self, org_id):
        return self.db.scalars(select(CustomFieldDefinition).where(CustomFieldDefinition.org_id == org_id)
                               .order_by(CustomFieldDefinition.created_at, CustomFieldDefinition.key)).all()

    def _definitions_by_key(self, org_id):
        return {d.key: d for d in self._definitions(org_id)}

    def _definition(self, org_id, key):
        definition = self.db.scalar(select(CustomFieldDefinition).where(
            CustomFieldDefinition.org_id == org_id, CustomFieldDefinition.key == str(key)))
        if definition is None:
            raise NotFound(code="custom_field_not_found", message="Custom field not found.")
        return definition
