package io.tessera.marketplace.trust;

/** A package that must not be installed; the message names the package and the reason. */
public final class PackageRefusedException extends Exception {

    private final String pkg;
    private final String reason;

    public PackageRefusedException(String pkg, String reason) {
        super("package " + pkg + " refused: " + reason);
        this.pkg = pkg;
        this.reason = reason;
    }

    public String pkg() {
        return pkg;
    }

    public String reason() {
        return reason;
    }
}
