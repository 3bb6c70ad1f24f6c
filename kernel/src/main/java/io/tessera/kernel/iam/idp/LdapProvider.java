package io.tessera.kernel.iam.idp;

import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;

/**
 * KubeSphere's LDAP provider (reference §1.8): bind as the manager, search
 * {@code (&(<loginAttribute>=<user>)<userSearchFilter>)} in the subtree, exactly one hit, then bind
 * as that entry with the password. uid = username = the login attribute, email = the mail
 * attribute. Group options are accepted but, as in KubeSphere, not used for authentication.
 */
final class LdapProvider implements IdentityProviders.PasswordProvider {

    record Options(String host, int readTimeoutMillis, boolean startTls, boolean insecureSkipVerify, String managerDn,
                   String managerPassword, String userSearchBase, String userSearchFilter, String loginAttribute,
                   String mailAttribute) {
        static Options from(Map<String, Object> p) {
            return new Options(s(p, "host", ""), Integer.parseInt(s(p, "readTimeout", "15000")),
                    Boolean.parseBoolean(s(p, "startTLS", "false")), Boolean.parseBoolean(s(p, "insecureSkipVerify", "false")),
                    s(p, "managerDN", ""), s(p, "managerPassword", ""), s(p, "userSearchBase", ""),
                    s(p, "userSearchFilter", ""), s(p, "loginAttribute", "uid"), s(p, "mailAttribute", "mail"));
        }

        private static String s(Map<String, Object> p, String k, String def) {
            Object v = p.get(k);
            return v == null || String.valueOf(v).isEmpty() ? def : String.valueOf(v);
        }
    }

    private final Options options;

    LdapProvider(Options options) {
        this.options = options;
    }

    @Override
    public Optional<IdentityProviders.Identity> authenticate(String username, String password)
            throws IdentityProviders.ProviderException {
        int colon = options.host().lastIndexOf(':');
        if (colon < 0) {
            throw new IdentityProviders.ProviderException("LDAP host must be host:port");
        }
        String host = options.host().substring(0, colon);
        int port = Integer.parseInt(options.host().substring(colon + 1));
        LDAPConnectionOptions connOptions = new LDAPConnectionOptions();
        connOptions.setConnectTimeoutMillis(options.readTimeoutMillis());
        connOptions.setResponseTimeoutMillis(options.readTimeoutMillis());
        try (LDAPConnection conn = new LDAPConnection(connOptions, host, port)) {
            if (options.startTls()) {
                SSLUtil ssl = new SSLUtil(options.insecureSkipVerify() ? new TrustAllTrustManager() : new TrustStoreTrustManager(
                        System.getProperty("javax.net.ssl.trustStore", System.getProperty("java.home") + "/lib/security/cacerts")));
                var r = conn.processExtendedOperation(new StartTLSExtendedRequest(ssl.createSSLContext()));
                if (r.getResultCode() != ResultCode.SUCCESS) {
                    throw new IdentityProviders.ProviderException("LDAP StartTLS failed: " + r.getResultCode());
                }
            }
            if (!options.managerDn().isEmpty()) {
                conn.bind(options.managerDn(), options.managerPassword());
            }
            Filter login = Filter.createEqualityFilter(options.loginAttribute(), username);
            Filter filter = options.userSearchFilter().isEmpty() ? login
                    : Filter.createANDFilter(login, Filter.create(options.userSearchFilter()));
            SearchRequest search = new SearchRequest(options.userSearchBase(), SearchScope.SUB, filter,
                    options.loginAttribute(), options.mailAttribute());
            search.setSizeLimit(2);
            SearchResult result;
            try {
                result = conn.search(search);
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                    return Optional.empty();
                }
                throw e;
            }
            if (result.getEntryCount() != 1) {
                return Optional.empty();
            }
            SearchResultEntry entry = result.getSearchEntries().get(0);
            try {
                BindResult bind = conn.bind(entry.getDN(), password);
                if (bind.getResultCode() != ResultCode.SUCCESS) {
                    return Optional.empty();
                }
            } catch (LDAPException e) {
                if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
                    return Optional.empty();
                }
                throw e;
            }
            String uid = entry.getAttributeValue(options.loginAttribute());
            String mail = entry.getAttributeValue(options.mailAttribute());
            return Optional.of(new IdentityProviders.Identity(uid, uid, mail == null ? "" : mail));
        } catch (LDAPException e) {
            throw new IdentityProviders.ProviderException("LDAP " + e.getResultCode() + ": " + e.getDiagnosticMessage());
        } catch (GeneralSecurityException e) {
            throw new IdentityProviders.ProviderException("LDAP TLS setup failed: " + e.getMessage());
        }
    }
}
