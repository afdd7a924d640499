"""One 422 for all the problems of a request, not one round trip per problem."""
from portico_kit.errors import Invalid


def combine(*loaders):
    """Run each loader; return their results, or raise one Invalid with every field's problem."""
    results, failures = [], []
    for loader in loaders:
        try:
            results.append(loader())
        except Invalid as exc:
            if exc.code == "invalid_body":
                raise
            failures.append(exc)
            results.append(None)
    if failures:
        problems = {}
        for exc in failures:
            problems.update(exc.fields or {"_schema": exc.message})
        message = failures[0].message if len(failures) == 1 else "Some fields are invalid."
        raise Invalid(message=message, fields=problems)
    return results
