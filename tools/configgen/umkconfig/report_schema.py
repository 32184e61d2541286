"""The JSON schema of report/compare output, and a small validator for it.

report-schema.json (beside this file, copied into docs/reports.md) is
standard JSON Schema (2020-12). The validator below implements the subset
of keywords that schema uses, with the standard's semantics (object
keywords apply to objects only, and so on), so the tests need nothing
beyond the standard library.
"""
import json
import os
import re

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report-schema.json")
with open(_PATH, encoding="utf-8") as _f:
    SCHEMA = json.load(_f)

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "enum", "const",
         "properties", "required", "additionalProperties", "propertyNames", "items",
         "minItems", "minimum", "maximum", "minLength", "pattern", "oneOf", "anyOf"}


def validate(instance, schema=None, root=None, where="$"):
    """Every violation as 'path: message'; [] when the instance is valid."""
    root = root or schema or SCHEMA
    schema = schema or SCHEMA
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) the validator does not know: {sorted(unknown)}")
    if "$ref" in schema:
        return validate(instance, _resolve(root, schema["$ref"]), root, where)
    errs = []
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        if not any(_TYPES[x](instance) for x in types):
            return [f"{where}: expected {'/'.join(types)}, got {type(instance).__name__}"]
    if "const" in schema and instance != schema["const"]:
        errs.append(f"{where}: expected {schema['const']!r}, got {instance!r}")
    if "enum" in schema and instance not in schema["enum"]:
        errs.append(f"{where}: {instance!r} not one of {schema['enum']}")
    if isinstance(instance, dict):
        errs += _object(instance, schema, root, where)
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            errs.append(f"{where}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, v in enumerate(instance):
                errs += validate(v, schema["items"], root, f"{where}[{i}]")
    if _TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            errs.append(f"{where}: {instance} < minimum {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            errs.append(f"{where}: {instance} > maximum {schema['maximum']}")
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            errs.append(f"{where}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errs.append(f"{where}: {instance!r} does not match {schema['pattern']}")
    for key in ("oneOf", "anyOf"):
        if key in schema:
            ok = [s for s in schema[key] if not validate(instance, s, root, where)]
            if key == "oneOf" and len(ok) != 1 or key == "anyOf" and not ok:
                errs.append(f"{where}: matches {len(ok)} of the {key} alternatives")
    return errs


def _object(instance, schema, root, where):
    errs = [f"{where}: missing key {k!r}" for k in schema.get("required", []) if k not in instance]
    props = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for k, v in instance.items():
        if "propertyNames" in schema:
            errs += validate(k, schema["propertyNames"], root, f"{where} key {k!r}")
        if k in props:
            errs += validate(v, props[k], root, f"{where}.{k}")
        elif extra is False:
            errs.append(f"{where}: unexpected key {k!r}")
        elif isinstance(extra, dict):
            errs += validate(v, extra, root, f"{where}.{k}")
    return errs


def _resolve(root, ref):
    if not ref.startswith("#/"):
        raise ValueError(f"only local references are supported: {ref}")
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def validate_doc(doc):
    """Validate a report or compare document against its own definition (clearer messages)."""
    kinds = {"umk-report/1": "report", "umk-compare/1": "compare"}
    kind = kinds.get(doc.get("schema") if isinstance(doc, dict) else None)
    if kind is None:
        return [f"$.schema: expected one of {sorted(kinds)}"]
    return validate(doc, SCHEMA["$defs"][kind], SCHEMA)
