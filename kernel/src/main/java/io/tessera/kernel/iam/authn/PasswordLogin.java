package io.tessera.kernel.iam.authn;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.idp.IdentityProviders;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import io.tessera.kernel.iam.users.Passwords;
import io.tessera.kernel.iam.users.UserCache;
import io.tessera.kernel.iam.users.UserWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Username + password checks shared by the password grant and Basic authentication, with
 * KubeSphere's lockout (reference §1.7): each failure of an existing user is a LoginRecord; when
 * the failures since the user's last state change within the window reach the limit, the user
 * becomes {@code AuthLimitExceeded} until the window has passed. The state lives on the User, so
 * every replica enforces it. Unlike KubeSphere, the state is set synchronously on the failing
 * request (no controller latency), which makes the N+1-th attempt deterministic.
 */
public final class PasswordLogin {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordLogin.class);

    public enum Outcome { OK, INVALID, RATE_LIMITED, SUSPENDED, PROVIDER_ERROR }

    public record Result(Outcome outcome, GenericKubernetesResource user) {
        static Result of(Outcome o) {
            return new Result(o, null);
        }
    }

    /** Where the attempt came from, for the LoginRecord. */
    public record Origin(String sourceIp, String userAgent) {
    }

    private final UserCache users;
    private final UserWriter writer;
    private final LoginRecords records;
    private final IdentityProviders identityProviders;
    private final int failureLimit;
    private final Duration window;
    private final Clock clock;

    public PasswordLogin(UserCache users, UserWriter writer, LoginRecords records, IdentityProviders identityProviders,
                         int failureLimit, Duration window, Clock clock) {
        this.users = users;
        this.writer = writer;
        this.records = records;
        this.identityProviders = identityProviders;
        this.failureLimit = failureLimit;
        this.window = window;
        this.clock = clock;
    }

    /**
     * @param provider empty for local users, else the name of a generic (LDAP) identity provider
     * @param recordSuccess false for Basic authentication (a record per API call would flood)
     */
    public Result login(String login, String password, String provider, Origin origin, LoginRecords.Type type,
                        boolean recordSuccess) {
        if (login == null || login.isEmpty() || password == null || password.isEmpty()) {
            return Result.of(Outcome.INVALID);
        }
        if (provider != null && !provider.isEmpty()) {
            return viaProvider(login, password, provider, origin, type, recordSuccess);
        }
        Optional<GenericKubernetesResource> found = users.byNameOrEmail(login);
        if (found.isEmpty() && !login.contains("@")) {
            // just created on another replica or by this request's predecessor: the cache may lag
            found = writer.fetch(login);
        }
        if (found.isEmpty()) {
            return Result.of(Outcome.INVALID);
        }
        GenericKubernetesResource user = found.get();
        String name = user.getMetadata().getName();
        Result gate = stateGate(user);
        if (gate != null) {
            return gate;
        }
        if (!Passwords.matches(password, IamTypes.str(user, "spec", "password"))) {
            fail(user, type, "", origin, "incorrect password");
            return Result.of(Outcome.INVALID);
        }
        if (recordSuccess) {
            // a token login re-reads the user from the API: the cache may not have seen a lock or
            // suspension written a moment ago (by this or another replica)
            Optional<GenericKubernetesResource> fresh = writer.fetch(name);
            if (fresh.isEmpty()) {
                return Result.of(Outcome.INVALID);
            }
            String checkedHash = IamTypes.str(user, "spec", "password");
            user = fresh.get();
            gate = stateGate(user);
            if (gate != null) {
                return gate;
            }
            String currentHash = IamTypes.str(user, "spec", "password");
            if (!currentHash.equals(checkedHash) && !Passwords.matches(password, currentHash)) {
                return Result.of(Outcome.INVALID);
            }
        }
        return succeed(name, type, "", origin, recordSuccess, user);
    }

    private Result viaProvider(String login, String password, String provider, Origin origin, LoginRecords.Type type,
                               boolean recordSuccess) {
        IdentityProviders.Authenticated authenticated;
        try {
            Optional<IdentityProviders.Authenticated> r = identityProviders.authenticatePassword(provider, login, password);
            if (r.isEmpty()) {
                return Result.of(Outcome.INVALID);
            }
            authenticated = r.get();
        } catch (IdentityProviders.ProviderException e) {
            LOG.warn("event=idp-error provider={} reason={}", provider, e.getMessage());
            return Result.of(Outcome.PROVIDER_ERROR);
        }
        GenericKubernetesResource user = authenticated.user();
        if (user == null) {
            return Result.of(Outcome.INVALID);
        }
        Result gate = stateGate(user);
        if (gate != null) {
            return gate;
        }
        return succeed(user.getMetadata().getName(), type, provider, origin, recordSuccess, user);
    }

    /**
     * Completes a login an identity provider vouched for (browser callbacks): state checks, the
     * LoginRecord (type Token, provider = the IdP) and {@code lastLoginTime}.
     */
    public Result external(GenericKubernetesResource user, String provider, Origin origin) {
        GenericKubernetesResource fresh = writer.fetch(user.getMetadata().getName()).orElse(null);
        if (fresh == null) {
            return Result.of(Outcome.INVALID);
        }
        Result gate = stateGate(fresh);
        if (gate != null) {
            return gate;
        }
        return succeed(fresh.getMetadata().getName(), LoginRecords.Type.Token, provider, origin, true, fresh);
    }

    /** @return a final result when the user's state forbids logging in, null to go on */
    private Result stateGate(GenericKubernetesResource user) {
        String state = UserCache.state(user);
        if (IamTypes.STATE_AUTH_LIMIT_EXCEEDED.equals(state)) {
            Instant since = transition(user);
            if (clock.instant().isBefore(since.plus(window))) {
                return new Result(Outcome.RATE_LIMITED, user);
            }
            writer.modify(user.getMetadata().getName(), u -> {
                if (IamTypes.STATE_AUTH_LIMIT_EXCEEDED.equals(UserCache.state(u))) {
                    Map<String, Object> status = IamTypes.section(u, "status");
                    status.put("state", IamTypes.STATE_ACTIVE);
                    status.remove("reason");
                    status.put("lastTransitionTime", now());
                }
            });
            return null;
        }
        if (!IamTypes.STATE_ACTIVE.equals(state)) {
            return new Result(Outcome.SUSPENDED, user);
        }
        return null;
    }

    private void fail(GenericKubernetesResource user, LoginRecords.Type type, String provider, Origin origin, String reason) {
        String name = user.getMetadata().getName();
        records.write(name, type, provider, origin.sourceIp(), origin.userAgent(), false, reason);
        long failures = records.failuresSince(name, transition(user), window);
        LOG.info("event=login-failed user={} sourceIP={} failures={}", name, origin.sourceIp(), failures);
        if (failures >= failureLimit) {
            writer.modify(name, u -> {
                if (IamTypes.STATE_ACTIVE.equals(UserCache.state(u))) {
                    Map<String, Object> status = IamTypes.section(u, "status");
                    status.put("state", IamTypes.STATE_AUTH_LIMIT_EXCEEDED);
                    status.put("reason", "Failed login attempts exceed " + failureLimit + " in last " + window);
                    status.put("lastTransitionTime", now());
                }
            });
            LOG.info("event=login-locked user={} window={}", name, window);
        }
    }

    private Result succeed(String name, LoginRecords.Type type, String provider, Origin origin, boolean record,
                           GenericKubernetesResource user) {
        if (!record) {
            return new Result(Outcome.OK, user);
        }
        records.write(name, type, provider, origin.sourceIp(), origin.userAgent(), true, "authenticated successfully");
        GenericKubernetesResource updated = writer.modify(name, u -> IamTypes.section(u, "status").put("lastLoginTime", now()))
                .orElse(user);
        LOG.info("event=login-succeeded user={} provider={} sourceIP={}", name, provider, origin.sourceIp());
        return new Result(Outcome.OK, updated);
    }

    /** Whole seconds: LoginRecord creation timestamps have no finer resolution. */
    private String now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Instant transition(GenericKubernetesResource user) {
        String t = IamTypes.str(user, "status", "lastTransitionTime");
        return t.isEmpty() ? Instant.EPOCH : Instant.parse(t).truncatedTo(ChronoUnit.SECONDS);
    }
}
