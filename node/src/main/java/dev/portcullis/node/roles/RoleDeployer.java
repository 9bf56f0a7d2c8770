package dev.portcullis.node.roles;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deploys a node's roles, one role after the other in {@link Role} order, each as
 * {@code DeploymentOptions().setInstances(n).setConfig(section)}.
 */
public final class RoleDeployer {

    private final Vertx vertx;

    public RoleDeployer(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Deploys every role of {@code roles}.
     *
     * @param sections each role's config section (a missing one is deployed with an empty config)
     * @return a future completed with the deployment ids in deployment order, or failed with a
     * {@link RoleStartException} naming the first role that failed; the roles deployed before it are
     * undeployed again first
     */
    public Future<List<String>> deploy(RoleCounts roles, Map<Role, JsonObject> sections) {
        List<String> deployed = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (Role role : roles.roles()) {
            JsonObject section = sections.getOrDefault(role, new JsonObject());
            int instances = roles.count(role);
            chain = chain.compose(ignored -> deployOne(role, instances, section).map(id -> {
                deployed.add(id);
                return null;
            }));
        }
        return chain.map(ignored -> List.copyOf(deployed))
                .recover(failure -> undeployAll(deployed).transform(ignored -> Future.failedFuture(failure)));
    }

    private Future<String> deployOne(Role role, int instances, JsonObject section) {
        DeploymentOptions options = new DeploymentOptions().setInstances(instances).setConfig(section.copy());
        return vertx.deployVerticle(role.verticle(), options)
                .recover(failure -> Future.failedFuture(new RoleStartException(role, failure)));
    }

    private Future<Void> undeployAll(List<String> deploymentIds) {
        List<Future<Void>> undeployments = new ArrayList<>();
        for (String id : deploymentIds) {
            undeployments.add(vertx.undeploy(id));
        }
        return Future.join(undeployments).mapEmpty();
    }
}
