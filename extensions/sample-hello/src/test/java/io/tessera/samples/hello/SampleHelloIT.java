package io.tessera.samples.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.extension.testkit.TesseraKernel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** sample-hello installed from its built package into a real kernel by the test kit. */
class SampleHelloIT {

    @RegisterExtension
    static final TesseraKernel tessera = TesseraKernel.installing(Path.of(System.getProperty("tessera.extension.package")))
            .withConfig("salutation: Hi\n");

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/kapis/samples.tessera.io/v1alpha1";
    static final ResourceDefinitionContext GREETINGS = new ResourceDefinitionContext.Builder()
            .withGroup("samples.tessera.io").withVersion("v1alpha1").withKind("Greeting").withPlural("greetings")
            .withNamespaced(true).build();

    @Test
    void adminListsGreetings() throws Exception {
        HttpResponse<String> r = tessera.http("platform-admin").get(API + "/greetings");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).has("items")).isTrue();
    }

    @Test
    void createdGreetingGetsItsMessageFromTheControllerWithTheConfiguredSalutation() throws Exception {
        HttpResponse<String> created = tessera.http("platform-admin").send("POST", API + "/namespaces/default/greetings",
                JSON.writeValueAsString(Map.of("metadata", Map.of("name", "ada"), "spec", Map.of("name", "Ada"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            GenericKubernetesResource g = tessera.kubernetes().genericKubernetesResources(GREETINGS).inNamespace("default")
                    .withName("ada").get();
            return g != null && g.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Hi, Ada!".equals(s.get("message"));
        });
        JsonNode one = JSON.readTree(tessera.http("platform-admin").get(API + "/namespaces/default/greetings/ada").body());
        assertThat(one.path("metadata").path("annotations").path("samples.tessera.io/creator").asText()).isEqualTo("admin");
    }

    @Test
    void greetingWithoutNameIsABadRequestStatus() throws Exception {
        HttpResponse<String> r = tessera.http("platform-admin").send("POST", API + "/namespaces/default/greetings",
                JSON.writeValueAsString(Map.of("metadata", Map.of("name", "x"), "spec", Map.of())));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("message").asText()).isEqualTo("spec.name is required");
    }

    @Test
    void roleTemplatesAreInstalledWithTheExtension() {
        var templates = tessera.kubernetes().genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("iam.kubesphere.io").withVersion("v1beta1").withKind("RoleTemplate").withPlural("roletemplates")
                .withNamespaced(false).build()).withLabel("kubesphere.io/extension-ref", "sample-hello").list().getItems();
        assertThat(templates).extracting(t -> t.getMetadata().getName())
                .containsExactlyInAnyOrder("namespace-view-greetings", "global-view-greetings");
    }

    @Test
    void consolePageIsServedAndItsEntryListed() throws Exception {
        HttpResponse<String> js = tessera.http("platform-admin").get("/dist/sample-hello/index.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).contains("export default");
        // any signed-in user may read the entries (role template aggregated into "authenticated")
        var regular = tessera.http("platform-regular");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> regular.get("/kapis/extensions.tessera.io/v1alpha1/consoleentries").statusCode() == 200);
        JsonNode entries = JSON.readTree(regular.get("/kapis/extensions.tessera.io/v1alpha1/consoleentries").body());
        assertThat(entries.path("items").get(0).path("entries").get(0).path("name").asText()).isEqualTo("sample-hello");
    }
}
