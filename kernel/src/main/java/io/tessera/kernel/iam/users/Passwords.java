package io.tessera.kernel.iam.users;

import io.tessera.kernel.config.KernelConfig;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** bcrypt hashing and the password policy (at least 8 characters, letters and digits). */
public final class Passwords {

    /** Cost 10: ≈ 60–80 ms per check here; enough against offline guessing, cheap for logins. */
    private static final int COST = 10;
    private static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}$");

    private Passwords() {
    }

    /**
     * The default admin password's hash, made once at cost 10. The password is public (KubeSphere's
     * default) and must be changed at the first login, so a salt shared by every platform gives
     * nothing away, while hashing at boot took about a twentieth of a new platform's boot CPU
     * (bcrypt runs mostly unoptimised in a JVM that has just started).
     */
    static final String DEFAULT_ADMIN_PASSWORD_HASH = "$2a$10$oc2EuwIZdQlgWQ5D19XPW.LOB7XAN94JBBubGjVjaJaFugm/ST2O6";

    public static String hash(String clear) {
        return BCrypt.hashpw(clear, BCrypt.gensalt(COST));
    }

    /** What a new platform stores for its first admin: {@link #hash}, made beforehand for the default password. */
    public static String hashForBootstrapAdmin(String clear) {
        return KernelConfig.Iam.DEFAULT_ADMIN_PASSWORD.equals(clear) ? DEFAULT_ADMIN_PASSWORD_HASH : hash(clear);
    }

    public static boolean isHash(String value) {
        return value != null && BCRYPT.matcher(value).matches();
    }

    /** Constant-time in the hash; false for an empty or non-bcrypt stored value. */
    public static boolean matches(String clear, String storedHash) {
        if (clear == null || clear.isEmpty() || !isHash(storedHash)) {
            return false;
        }
        return BCrypt.checkpw(clear, storedHash);
    }

    /** @return null when acceptable, else what is wrong, safe to show */
    public static String policyViolation(String clear) {
        if (clear == null || clear.length() < 8) {
            return "password must be at least 8 characters long";
        }
        if (clear.length() > 72) {
            // bcrypt ignores everything after 72 bytes; refuse rather than silently truncate
            return "password must be at most 72 characters long";
        }
        boolean letter = clear.chars().anyMatch(Character::isLetter);
        boolean digit = clear.chars().anyMatch(Character::isDigit);
        if (!letter || !digit) {
            return "password must contain both letters and digits";
        }
        return null;
    }
}
