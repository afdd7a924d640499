"""Projects and their time entries: staff keep them; customers read them when the portal shows
projects (features["projects"]), else 403 projects_hidden."""
from sqlalchemy import select

from portico_kit.actors import require_staff
from portico_kit.errors import Forbidden, Invalid, NotFound
from portico_kit.pagination import paginate
from portico_kit.rpc import rpc
from portico_kit.timeutil import utcnow
from portico_kit.validation import load

from .documents import viewer
from .models import Project, TimeEntry
from .schemas import ProjectSchema, TimeEntrySchema, project_dict, time_entry_dict


def check_billing(project):
    """The rate the billing method needs must be there (checked on the merged values of an edit)."""
    if project.billing_method == "fixed_cost" and project.fixed_cost is None:
        raise Invalid(message="A fixed-cost project needs its cost.", fields={"fixed_cost": "Required for fixed_cost."})
    if project.billing_method == "hourly" and project.hourly_rate is None:
        raise Invalid(message="An hourly project needs its rate.", fields={"hourly_rate": "Required for hourly."})


class ProjectsMixin:

    @rpc
    def create_project(self, actor, data):
        org_id = require_staff(actor)
        data = load(ProjectSchema(), data)
        project = Project(org_id=org_id, name=data["name"], description=data.get("description") or "",
                          billing_method=data["billing_method"], fixed_cost=data.get("fixed_cost"),
                          hourly_rate=data.get("hourly_rate"), budget_hours=data.get("budget_hours"))
        check_billing(project)
        customer = self._customer_for(actor, data["customer_id"])
        project.customer_id, project.customer_name = customer["id"], customer["display_name"]
        self.db.add(project)
        self.db.commit()
        return project_dict(project)

    @rpc
    def list_projects(self, actor, customer_id=None, page=1, per_page=50):
        org_id, own_customer = self._project_viewer(actor)
        query = select(Project).where(Project.org_id == org_id)
        if own_customer is not None:
            query = query.where(Project.customer_id == own_customer)
        elif customer_id:
            query = query.where(Project.customer_id == str(customer_id))
        query = query.order_by(Project.created_at.desc(), Project.id)
        return paginate(self.db, query, project_dict, page, per_page)

    @rpc
    def get_project(self, actor, project_id):
        org_id, own_customer = self._project_viewer(actor)
        return project_dict(self._project(org_id, own_customer, project_id))

    @rpc
    def update_project(self, actor, project_id, data):
        org_id = require_staff(actor)
        data = load(ProjectSchema(), data, partial=True)
        customer = self._customer_for(actor, data["customer_id"]) if data.get("customer_id") else None
        project = self._project(org_id, None, project_id)
        if customer is not None:
            project.customer_id, project.customer_name = customer["id"], customer["display_name"]
        for key in ("name", "billing_method"):
            if data.get(key):
                setattr(project, key, data[key])
        for key in ("description",):
            if key in data:
                project.description = data[key] or ""
        for key in ("fixed_cost", "hourly_rate", "budget_hours"):
            if key in data:
                setattr(project, key, data[key])
        check_billing(project)
        project.updated_at = utcnow()
        self.db.commit()
        return project_dict(project)

    @rpc
    def list_time_entries(self, actor, project_id):
        org_id, own_customer = self._project_viewer(actor)
        project = self._project(org_id, own_customer, project_id)
        return [time_entry_dict(e) for e in project.time_entries]

    @rpc
    def add_time_entry(self, actor, project_id, data):
        org_id = require_staff(actor)
        data = load(TimeEntrySchema(), data)
        project = self._project(org_id, None, project_id)
        entry = TimeEntry(org_id=org_id, date=data["date"], hours=data["hours"],
                          description=data.get("description") or "", billable=data["billable"],
                          billed=bool(data.get("billed")))
        project.time_entries.append(entry)
        project.updated_at = utcnow()
        self.db.commit()
        return time_entry_dict(entry)

    @rpc
    def update_time_entry(self, actor, project_id, entry_id, data):
        org_id = require_staff(actor)
        data = load(TimeEntrySchema(), data, partial=True)
        entry = self._entry(org_id, project_id, entry_id)
        for key in ("date", "hours", "billable"):
            if data.get(key) is not None:
                setattr(entry, key, data[key])
        if "description" in data:
            entry.description = data["description"] or ""
        if data.get("billed") is not None:
            entry.billed = data["billed"]
        self.db.commit()
        return time_entry_dict(entry)

    @rpc
    def delete_time_entry(self, actor, project_id, entry_id):
        org_id = require_staff(actor)
        entry = self._entry(org_id, project_id, entry_id)
        self.db.delete(entry)
        self.db.commit()
        return {"deleted": True, "id": entry.id}

    # -- helpers -------------------------------------------------------------------------------

    def _project_viewer(self, actor):
        org_id, own_customer = viewer(actor)
        if own_customer is not None and not self.portal.get_features(actor).get("projects"):
            raise Forbidden(code="projects_hidden", message="Projects are not shown in this portal.")
        return org_id, own_customer

    def _project(self, org_id, customer_id, project_id):
        query = select(Project).where(Project.org_id == org_id, Project.id == str(project_id))
        if customer_id is not None:
            query = query.where(Project.customer_id == customer_id)
        project = self.db.scalars(query).first()
        if project is None:
            raise NotFound(code="project_not_found", message="This project was not found.")
        return project

    def _entry(self, org_id, project_id, entry_id):
        entry = self.db.scalars(select(TimeEntry).where(
            TimeEntry.org_id == org_id, TimeEntry.project_id == str(project_id),
            TimeEntry.id == str(entry_id))).first()
        if entry is None:
            raise NotFound(code="time_entry_not_found", message="This time entry was not found.")
        return entry
