"""image.invalid-reference: the image string against the distribution reference grammar (reference.py), with
a pointer at the offending character and a corrected reference where one is certain."""

from __future__ import annotations

from podwhy.analyzers.imagepull.case import RANK_INVALID, ContainerCase
from podwhy.analyzers.imagepull.imagefix import set_image
from podwhy.analyzers.imagepull.reference import ReferenceError, parse_normalized, suggest_correction
from podwhy.findings import Evidence, Finding, Fix


def pointer(image: str, index: int) -> str:
    """`quay.io/x/>>M<<iModD:1`: the image with the offending character marked, on one line."""
    if index >= len(image):
        return f"{image}>><<"
    return f"{image[:index]}>>{image[index]}<<{image[index + 1:]}"


def invalid_reference(case: ContainerCase) -> Finding | None:
    c = case.c
    try:
        parse_normalized(c.image)
        if c.reason != "InvalidImageName":
            return None
        # The kubelet said invalid but our grammar accepts it (e.g. an older kubelet's stricter rules).
        err: ReferenceError | None = None
    except ReferenceError as exc:
        err = exc
    fixed = suggest_correction(c.image)
    # Observed stays verbatim; the offending character is named in the field (0-based index, as in Go).
    field = f"{case.image_field}[{err.index}] ({c.image[err.index:err.index + 1]!r})" if err and c.image \
        else case.image_field
    evidence = [Evidence(ref=case.work.ref, field=field, observed=c.image, expected=fixed)]
    for s in case.seen[-2:]:
        if s.cls.code == "image.invalid-reference" or c.reason == "InvalidImageName":
            evidence.append(s.evidence)
    if err is not None:
        cause = (f"The image {c.image!r} of container {c.name!r} is not a valid reference: {err.reason} "
                 f"(character {err.index + 1}: {pointer(c.image, err.index)}); the kubelet cannot parse it ({err.message}).")
    else:
        cause = (f"The kubelet could not parse the image {c.image!r} of container {c.name!r} "
                 "(InvalidImageName), although current reference rules accept it.")
    cmds, patches = set_image(case, fixed) if fixed else ([], [])
    summary = (f"Use {fixed!r} (a valid reference) for container {c.name!r}." if fixed
               else f"Rewrite the image of container {c.name!r} as [registry/]repository[:tag][@digest], "
                    "lower-case repository, no spaces or scheme.")
    return Finding(code="image.invalid-reference", severity="error", confidence="certain", cause=cause,
                   evidence=evidence, fix=Fix(summary=summary, commands=cmds, patches=patches), container=c.name,
                   details={"image": c.image, "index": err.index if err else None,
                            "error": err.message if err else None, "suggestion": fixed},
                   group_key=f"image={c.image}", rank=RANK_INVALID)
