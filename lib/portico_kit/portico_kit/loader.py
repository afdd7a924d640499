"""Find the nameko service class of a module (for the runner and the deploy step)."""
import importlib
import inspect


def service_class(module_path):
    module = importlib.import_module(module_path)
    classes = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
               if obj.__module__ == module.__name__ and isinstance(getattr(obj, "name", None), str)]
    if len(classes) != 1:
        raise SystemExit(f"{module_path}: expected one nameko service class, found {classes}")
    return classes[0]
