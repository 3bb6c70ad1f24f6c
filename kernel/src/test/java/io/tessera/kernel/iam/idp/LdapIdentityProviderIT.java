package io.tessera.kernel.iam.idp;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.sdk.LDAPConnection;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An LDAP user logs in through {@code POST /oauth/token provider=ldap} against a real OpenLDAP
 * slapd and appears as a User with the identity-provider annotation (mapping mode {@code auto});
 * a {@code lookup} provider refuses users that are not mapped yet.
 */
class LdapIdentityProviderIT {

    @TempDir
    static Path dataDir;
    static Slapd slapd;
    static Kernel kernel;
    static IamHttp http;

    @BeforeAll
    static void start() throws Exception {
        slapd = Slapd.start();
        try (LDAPConnection c = slapd.admin()) {
            c.add("dn: dc=example,dc=com", "objectClass: dcObject", "objectClass: organization", "o: Example", "dc: example");
            c.add("dn: ou=users,dc=example,dc=com", "objectClass: organizationalUnit", "ou: users");
            c.add("dn: uid=Lara,ou=users,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: Lara", "cn: Lara Croft", "sn: Croft",
                    "mail: lara@example.com", "userPassword: Tomb1234");
            c.add("dn: uid=admin,ou=users,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: admin", "cn: Intruder", "sn: I",
                    "userPassword: Evil12345");
            c.add("dn: uid=nico,ou=users,dc=example,dc=com", "objectClass: inetOrgPerson", "uid: nico", "cn: Nico", "sn: N",
                    "userPassword: Nico12345");
        }
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            provider(client, "ldap", "auto");
            provider(client, "ldap-lookup", "lookup");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> r = http.get("/kapis/config.kubesphere.io/v1alpha2/configs/oauth", null);
            return r.statusCode() == 200 && tree(r).path("identityProviders").size() == 2;
        });
    }

    static void provider(KubernetesClient client, String name, String mapping) {
        String yaml = String.join("\n",
                "name: " + name,
                "type: LDAPIdentityProvider",
                "mappingMethod: " + mapping,
                "provider:",
                "  host: 127.0.0.1:" + slapd.port,
                "  managerDN: " + Slapd.ROOT_DN,
                "  managerPassword: " + Slapd.ROOT_PASSWORD,
                "  userSearchBase: ou=users,dc=example,dc=com",
                "  userSearchFilter: (objectClass=inetOrgPerson)",
                "  loginAttribute: uid",
                "  mailAttribute: mail",
                "");
        client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                .withName("identityprovider-" + name).withNamespace(IamTypes.SYSTEM_NAMESPACE)
                .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                .withType("config.kubesphere.io/identityprovider").withStringData(Map.of("configuration.yaml", yaml)).build()).create();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    static HttpResponse<String> login(String provider, String username, String password) throws Exception {
        return http.form("/oauth/token", Map.of("grant_type", "password", "username", username, "password", password,
                "provider", provider, "client_id", "kubesphere", "client_secret", "kubesphere"));
    }

    @Test
    void ldapUserLogsInAndBecomesAMappedUser() throws Exception {
        HttpResponse<String> r = login("ldap", "Lara", "Tomb1234");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(IamHttp.jwtPayload(tree(r).path("access_token").asText()).path("username").asText()).isEqualTo("lara");
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName("lara").get();
            assertThat(user).isNotNull();
            assertThat(IamTypes.annotation(user, "iam.kubesphere.io/identity-provider.ldap")).isEqualTo("Lara");
            assertThat(IamTypes.str(user, "spec", "email")).isEqualTo("lara@example.com");
        }
        String token = "Bearer " + tree(r).path("access_token").asText();
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/lara", token).statusCode()).isEqualTo(200);
        // a second login maps to the same user
        assertThat(login("ldap", "Lara", "Tomb1234").statusCode()).isEqualTo(200);
    }

    @Test
    void wrongPasswordAndUnknownUserAreInvalidGrant() throws Exception {
        HttpResponse<String> wrong = login("ldap", "Lara", "nope");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(tree(wrong).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(login("ldap", "ghost", "Whatever1").statusCode()).isEqualTo(400);
        assertThat(login("ldap", "*", "Tomb1234").statusCode()).isEqualTo(400);
    }

    @Test
    void anLdapUserNamedLikeALocalAccountIsNotLinkedToIt() throws Exception {
        HttpResponse<String> r = login("ldap", "admin", "Evil12345");
        assertThat(r.statusCode()).isEqualTo(500);
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource admin = client.genericKubernetesResources(IamTypes.USERS).withName("admin").get();
            assertThat(IamTypes.annotation(admin, "iam.kubesphere.io/identity-provider.ldap")).isEmpty();
        }
    }

    @Test
    void unknownProviderIsServerError() throws Exception {
        HttpResponse<String> r = login("nope", "Lara", "Tomb1234");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(tree(r).path("error").asText()).isEqualTo("server_error");
    }

    @Test
    void lookupModeRefusesUnmappedUsers() throws Exception {
        assertThat(login("ldap-lookup", "nico", "Nico12345").statusCode()).isEqualTo(400);
    }

    @Test
    void configsOauthListsProvidersWithoutSecrets() throws Exception {
        HttpResponse<String> r = http.get("/kapis/config.kubesphere.io/v1alpha2/configs/oauth", null);
        assertThat(r.body()).contains("\"name\":\"ldap\"").doesNotContain(Slapd.ROOT_PASSWORD).doesNotContain("managerPassword");
    }
}
