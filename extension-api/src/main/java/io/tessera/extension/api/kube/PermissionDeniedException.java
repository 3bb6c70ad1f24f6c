package io.tessera.extension.api.kube;

/** A call of the scoped client outside the resources × verbs the extension's manifest declares. */
public final class PermissionDeniedException extends RuntimeException {

    private final String verb;
    private final String resource;

    public PermissionDeniedException(String extension, String verb, String resource) {
        super("extension " + extension + " may not " + verb + " " + resource
                + ": not declared under permissions in extension.yaml");
        this.verb = verb;
        this.resource = resource;
    }

    public String verb() {
        return verb;
    }

    /** {@code plural.group}, or {@code plural} for the core group. */
    public String resource() {
        return resource;
    }
}
