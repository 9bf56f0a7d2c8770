package dev.portcullis.node.admin;

import dev.portcullis.node.config.PacSettings;
import dev.portcullis.proxy.ProxyVerticle;
import dev.portcullis.proxy.explicit.ExplicitListener;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /proxy.pac}: a proxy auto-config file (the Netscape PAC format browsers and operating systems fetch,
 * {@code FindProxyForURL(url, host)}) that sends everything to the explicit proxy except the names in
 * {@code admin.pac.direct}. Served without the admin token: the clients that fetch a PAC URL (browsers, WPAD, OS
 * proxy settings) send no credentials, and the file tells nothing that the workloads using the proxy do not know.
 *
 * <p>It never falls back to {@code DIRECT} when the proxy does not answer ({@code "PROXY a:1; DIRECT"}): an
 * egress gateway that a client can route around by making it slow is no gateway.
 */
final class PacFile implements Handler<RoutingContext> {

    /** The PAC media type (browsers accept others, some OS clients do not). */
    static final String CONTENT_TYPE = "application/x-ns-proxy-autoconfig";

    private final Vertx vertx;
    private final PacSettings settings;

    PacFile(Vertx vertx, PacSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String proxy = settings.proxy() != null ? settings.proxy() : explicitListener();
        if (proxy == null) {
            Responses.error(ctx, 503, "no-proxy", "this node has no explicit listener on a specific address to "
                    + "advertise; set admin.pac.proxy", null);
            return;
        }
        ctx.response().putHeader("content-type", CONTENT_TYPE)
                // Clients re-fetch on their own schedule; a short cache keeps a changed list from lingering.
                .putHeader("cache-control", "max-age=300")
                .end(render(proxy, settings.direct()));
    }

    /** This node's explicit listener as bound; {@code null} when it runs none or it listens on every address. */
    private String explicitListener() {
        String bound = vertx.sharedData().<String, String>getLocalMap(ProxyVerticle.LISTENERS_MAP)
                .get(ExplicitListener.NAME);
        if (bound == null || bound.startsWith("0.0.0.0:") || bound.startsWith("::") || bound.startsWith("[::]")) {
            return null;
        }
        return bound;
    }

    /**
     * The script. Names are already validated and normalised ({@link PacSettings}); they are still written as JSON
     * string literals, which are JavaScript string literals, rather than pasted between quotes.
     */
    static String render(String proxy, List<String> direct) {
        String exact = direct.stream().filter(entry -> !PacSettings.isSuffix(entry))
                .map(Json::encode).collect(Collectors.joining(", "));
        String suffixes = direct.stream().filter(PacSettings::isSuffix)
                .map(entry -> Json.encode(entry.substring(1))).collect(Collectors.joining(", "));
        return "// Portcullis proxy auto-config: everything through the egress gateway but the names below.\n"
                + "function FindProxyForURL(url, host) {\n"
                + "    var name = host.toLowerCase().replace(/\\.$/, \"\");\n"
                + "    var direct = [" + exact + "];\n"
                + "    var below = [" + suffixes + "];\n"
                + "    for (var i = 0; i < direct.length; i++) {\n"
                + "        if (name === direct[i]) {\n"
                + "            return \"DIRECT\";\n"
                + "        }\n"
                + "    }\n"
                + "    for (var j = 0; j < below.length; j++) {\n"
                + "        if (dnsDomainIs(name, below[j])) {\n"
                + "            return \"DIRECT\";\n"
                + "        }\n"
                + "    }\n"
                + "    return " + Json.encode("PROXY " + proxy) + ";\n"
                + "}\n";
    }
}
