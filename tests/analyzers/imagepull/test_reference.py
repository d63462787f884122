"""The distribution/reference grammar and docker.io normalisation (semantics.md B4)."""

from __future__ import annotations

import pytest

from podwhy.analyzers.imagepull.reference import (
    ReferenceError,
    parse,
    parse_normalized,
    suggest_correction,
    suspicious_tag,
)


@pytest.mark.parametrize(("image", "domain", "path", "tag", "digest"), [
    pytest.param("nginx", "docker.io", "library/nginx", None, None, id="bare-name-gets-docker-io-and-library"),
    pytest.param("nginx:1.25", "docker.io", "library/nginx", "1.25", None, id="tag"),
    pytest.param("user/app:v1", "docker.io", "user/app", "v1", None, id="hub-namespace-no-library"),
    pytest.param("index.docker.io/foo", "docker.io", "library/foo", None, None, id="index-docker-io-rewritten"),
    pytest.param("docker.io/nginx", "docker.io", "library/nginx", None, None, id="docker-io-single-component"),
    pytest.param("quay.io/x/y:1", "quay.io", "x/y", "1", None, id="other-registry"),
    pytest.param("localhost/app", "localhost", "app", None, None, id="localhost-is-a-domain"),
    pytest.param("localhost:5000/a/b:c", "localhost:5000", "a/b", "c", None, id="host-port"),
    pytest.param("MyRegistry/app", "MyRegistry", "app", None, None, id="upper-case-first-part-is-a-host"),
    pytest.param("Registry.Example.com/team/app", "Registry.Example.com", "team/app", None, None,
                 id="upper-case-host-is-legal"),
    pytest.param("myapp:1.0.", "docker.io", "library/myapp", "1.0.", None, id="trailing-dot-tag-is-legal"),
    pytest.param("myapp:1.0-", "docker.io", "library/myapp", "1.0-", None, id="trailing-dash-tag-is-legal"),
    pytest.param("a.b.c/image-0.1", "a.b.c", "image-0.1", None, None, id="dotted-host"),
    pytest.param("[::1]:5000/app:1", "[::1]:5000", "app", "1", None, id="ipv6-literal-host"),
    pytest.param("nginx@sha256:" + "a" * 64, "docker.io", "library/nginx", None, "sha256:" + "a" * 64, id="digest"),
    pytest.param("foo__bar/a-----b.c_d", "docker.io", "foo__bar/a-----b.c_d", None, None, id="separators"),
])
def test_valid_references(image, domain, path, tag, digest):  # type: ignore[no-untyped-def]
    r = parse_normalized(image)
    assert (r.domain, r.path, r.tag, r.digest) == (domain, path, tag, digest)


@pytest.mark.parametrize(("image", "message", "index"), [
    pytest.param("quay.io/biocontainers/MiModD:0.1.9--py36_0",
                 "invalid reference format: repository name (biocontainers/MiModD) must be lowercase", 22,
                 id="upper-case-repository-points-at-first-capital"),
    pytest.param("Nginx", "invalid reference format: repository name (library/Nginx) must be lowercase", 0,
                 id="upper-case-hub-name-shows-library-remote"),
    pytest.param("nginx:", "invalid reference format", 5, id="trailing-colon"),
    pytest.param("nginx::1", "invalid reference format", 5, id="double-colon"),
    pytest.param("https://registry.example.com/app:1", "invalid reference format", 0, id="url-scheme"),
    pytest.param("registry.example.com//app", "invalid reference format", 21, id="double-slash"),
    pytest.param("my app:1", "invalid reference format", 2, id="inner-space"),
    pytest.param(" nginx", "invalid reference format", 0, id="leading-space"),
    pytest.param("nginx:.1", "invalid reference format", 6, id="tag-starting-with-dot"),
    pytest.param("foo___bar", "invalid reference format", 5, id="triple-underscore"),
    pytest.param("foo..bar", "invalid reference format", 4, id="double-dot"),
    pytest.param("-foo", "invalid reference format", 0, id="leading-dash"),
    pytest.param("nginx:" + "a" * 129, "invalid reference format", 6 + 128, id="129-char-tag"),
    pytest.param("nginx@sha256:abc", "invalid reference format", 13, id="short-digest"),
    pytest.param("nginx@sha256:" + "a" * 63, "invalid checksum digest length", 13, id="63-hex-digest"),
    pytest.param("a" * 64, "invalid repository name (" + "a" * 64 + "), cannot specify 64-byte hexadecimal strings",
                 0, id="bare-image-id"),
    pytest.param("", "invalid reference format", 0, id="empty"),
    pytest.param("reg-.io/app", "invalid reference format", 3, id="host-label-ending-in-dash"),
    pytest.param("localhost:50a0/app", "invalid reference format", 12, id="non-numeric-port"),
])
def test_invalid_references_point_at_the_character(image, message, index):  # type: ignore[no-untyped-def]
    with pytest.raises(ReferenceError) as exc:
        parse_normalized(image)
    assert (exc.value.message, exc.value.index) == (message, index)


def test_parse_without_normalisation_keeps_the_name():  # type: ignore[no-untyped-def]
    r = parse("nginx:1")
    assert (r.domain, r.path, r.tag) == ("", "nginx", "1")
    with pytest.raises(ReferenceError) as exc:
        parse("")
    assert exc.value.message == "repository name must have at least one component"


@pytest.mark.parametrize(("image", "fixed"), [
    pytest.param("quay.io/biocontainers/MiModD:0.1.9--py36_0", "quay.io/biocontainers/mimodd:0.1.9--py36_0",
                 id="lowercase-the-repository-keep-the-tag"),
    pytest.param("Nginx:1.25", "nginx:1.25", id="lowercase-hub-name"),
    pytest.param("MyOrg/App:V1", "myorg/app:V1", id="lowercase-namespace-keep-tag-case"),
    pytest.param(" nginx:1.25 ", "nginx:1.25", id="strip-whitespace"),
    pytest.param("https://registry.example.com/app:1", "registry.example.com/app:1", id="drop-scheme"),
    pytest.param("registry.example.com//team/app", "registry.example.com/team/app", id="collapse-double-slash"),
    pytest.param("nginx:", "nginx", id="drop-trailing-colon"),
    pytest.param("nginx::1", "nginx:1", id="collapse-double-colon"),
    pytest.param("Registry.Example.com/Team/app", "Registry.Example.com/team/app", id="host-keeps-its-case"),
])
def test_suggested_corrections(image, fixed):  # type: ignore[no-untyped-def]
    assert suggest_correction(image) == fixed


def test_no_suggestion_for_valid_or_hopeless():  # type: ignore[no-untyped-def]
    assert suggest_correction("nginx:1.25") is None
    assert suggest_correction("foo___bar") is None


@pytest.mark.parametrize(("tag", "flagged"), [
    pytest.param("1.0.", True, id="trailing-dot"),
    pytest.param("1.0-", True, id="trailing-dash"),
    pytest.param("lastest", True, id="lastest"),
    pytest.param("latests", True, id="latests"),
    pytest.param("Latest", True, id="latest-wrong-case"),
    pytest.param("1..2", True, id="double-dot"),
    pytest.param("latest", False, id="latest"),
    pytest.param("1.0", False, id="plain-version"),
    pytest.param("lts", False, id="lts-is-not-latest"),
    pytest.param(None, False, id="no-tag"),
])
def test_suspicious_tags(tag, flagged):  # type: ignore[no-untyped-def]
    assert (suspicious_tag(tag) is not None) == flagged


# Strings the regular-expression fast path accepts must parse exactly as the scanner parses them.
@pytest.mark.parametrize("image", [
    "nginx", "nginx:1.25", "user/app:v1", "index.docker.io/foo", "index.docker.io/a/b:1", "docker.io/nginx",
    "quay.io/x/y:1", "localhost/app", "localhost", "localhost:5000/a/b:c", "a.b.c/image-0.1", "myapp:1.0.",
    "nginx@sha256:" + "a" * 64, "foo__bar/a-----b.c_d", "my-org/app", "a:1/b", "host-1.example.com:443/x/y/z:Tag_1",
    "x" * 256, "a/" + "b" * 254, "a" * 64, "a" * 63, "registry.k8s.io/pause:3.9@sha256:" + "0" * 64,
])
def test_fast_path_agrees_with_the_scanner(image):  # type: ignore[no-untyped-def]
    from podwhy.analyzers.imagepull.reference import _check, _fast_normalized

    fast = _fast_normalized(image)
    try:
        slow = _check(image, normalise=True)
    except ReferenceError:
        assert fast is None
        return
    assert fast is None or fast == slow
