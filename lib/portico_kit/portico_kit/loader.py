"""Find the nameko service class of a module (for the runner and the deploy step)."""
import importlib
import inspect


def service_class(module_path):
    """`package.service` (its one service class) or `package.module:ClassName`."""
    if ":" in module_path:
        module_name, class_name = module_path.split(":", 1)
        return getattr(importlib.import_module(module_name), class_name)
    module = importlib.import_module(module_path)
    classes = [obj for _, obj in inspect.getmembers(module, inspect.isclass)
               if obj.__module__ == module.__name__ and isinstance(getattr(obj, "name", None), str)]
    if len(classes) != 1:
        raise SystemExit(f"{module_path}: expected one nameko service class, found {classes}")
    return classes[0]
