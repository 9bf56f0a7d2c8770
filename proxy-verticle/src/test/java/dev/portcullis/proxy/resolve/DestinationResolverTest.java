package dev.portcullis.proxy.resolve;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.api.bus.Addresses;
import dev.portcullis.api.bus.ErrorCode;
import dev.portcullis.api.bus.GatewayException;
import dev.portcullis.api.dns.ResolveClient;
import dev.portcullis.api.dns.Resolution;
import dev.portcullis.api.dns.ResolutionSource;
import dev.portcullis.api.host.HostName;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proxy's near-cache of resolutions against a dns-role stand-in: a real consumer on the local bus's
 * {@link Addresses#DNS_RESOLVE} that answers with a 1 s TTL, and is unregistered to play a dns node that died
 * (requests then fail with no handlers, as when no dns role is in the cluster). Time is a ticker the test moves.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DestinationResolverTest {

    private static final HostName NAME = HostName.parse("origin.test");
    private static final Duration TTL = Duration.ofSeconds(1);
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger asked = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(DestinationResolver.class);
    private Vertx vertx;
    private MessageConsumer<JsonObject> dnsRole;
    private volatile List<String> addresses = List.of("127.0.0.1");
    private volatile ErrorCode failWith;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        dnsRole = vertx.eventBus().consumer(Addresses.DNS_RESOLVE, message -> {
            asked.incrementAndGet();
            if (failWith != null) {
                message.fail(failWith.failureCode(), failWith + " from the dns role");
            } else {
                message.reply(new Resolution(addresses, TTL.toMillis(), ResolutionSource.RESOLVER).toJson());
            }
        });
        dnsRole.completion().await();
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void stop() {
        log.detachAppender(logs);
        vertx.close().await();
    }

    private DestinationResolver resolver(Duration serveStale) {
        return resolver(serveStale, ResolveClient.DEFAULT_TIMEOUT);
    }

    private DestinationResolver resolver(Duration serveStale, Duration dnsTimeout) {
        return new DestinationResolver(new ResolveClient(vertx, dnsTimeout), 100, serveStale, nanos::get);
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private void killDnsRole() {
        dnsRole.unregister().await();
    }

    private List<ILoggingEvent> staleLines() {
        return logs.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
    }

    @Test
    void withinItsTtlAnAnswerIsReusedWithoutAskingAgain() {
        DestinationResolver resolver = resolver(Duration.ZERO);
        resolver.resolve(NAME).await();
        killDnsRole();
        advance(Duration.ofMillis(900));

        assertThat(resolver.resolve(NAME).await()).isEqualTo(new Resolved(List.of("127.0.0.1"), false));
        assertThat(asked).hasValue(1);
    }

    @Test
    void offByDefaultNoDnsRoleMeansFailureOnceTheTtlEnds() {
        DestinationResolver resolver = resolver(Duration.ZERO);
        resolver.resolve(NAME).await();
        killDnsRole();
        advance(TTL);

        assertThatThrownBy(() -> resolver.resolve(NAME).await()).isInstanceOfSatisfying(GatewayException.class,
                failure -> assertThat(failure.code()).isEqualTo(ErrorCode.DNS_UNAVAILABLE));
        assertThat(staleLines()).isEmpty();
    }

    @Test
    void onTheStaleAnswerIsServedWithinTheWindowAndNotAfter() {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        killDnsRole();

        advance(TTL.plusSeconds(30));
        assertThat(resolver.resolve(NAME).await()).isEqualTo(new Resolved(List.of("127.0.0.1"), true));
        assertThat(staleLines()).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                .contains("origin.test", "[127.0.0.1]", "30s past its TTL", "no dns role in the cluster"));

        advance(WINDOW.minusSeconds(30).minusMillis(1));
        assertThat(resolver.resolve(NAME).await().stale()).isTrue();

        advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> resolver.resolve(NAME).await()).isInstanceOfSatisfying(GatewayException.class,
                failure -> assertThat(failure.code()).isEqualTo(ErrorCode.DNS_UNAVAILABLE));
    }

    @Test
    void aLiveDnsRoleIsAskedFirstAndItsFreshAnswerWins() {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        addresses = List.of("127.0.0.2");
        advance(TTL);

        assertThat(resolver.resolve(NAME).await()).isEqualTo(new Resolved(List.of("127.0.0.2"), false));
        assertThat(asked).hasValue(2);
        assertThat(staleLines()).isEmpty();
    }

    @Test
    void aDnsRoleThatDoesNotAnswerInTimeCountsAsGone() {
        DestinationResolver resolver = resolver(WINDOW, Duration.ofMillis(200));
        resolver.resolve(NAME).await();
        killDnsRole();
        // Registered but silent: a dns node killed before the cluster noticed it left.
        vertx.eventBus().consumer(Addresses.DNS_RESOLVE, message -> { }).completion().await();
        advance(TTL);

        assertThat(resolver.resolve(NAME).await().stale()).isTrue();
        assertThat(staleLines()).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                .contains("dns unavailable: no answer in time"));
    }

    @Test
    void resolversThatDidNotAnswerInTimeAreServedStaleToo() {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        failWith = ErrorCode.TIMEOUT;
        advance(TTL);

        assertThat(resolver.resolve(NAME).await().stale()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"NXDOMAIN", "SERVFAIL"})
    void anAnswerFromALiveDnsRoleIsNeverMasked(ErrorCode answer) {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        failWith = answer;
        advance(TTL);

        assertThatThrownBy(() -> resolver.resolve(NAME).await()).isInstanceOfSatisfying(GatewayException.class,
                failure -> assertThat(failure.code()).isEqualTo(answer));
        assertThat(staleLines()).isEmpty();
    }

    @Test
    void aNameTheDnsRoleSaidIsGoneIsNotServedStaleInALaterOutage() {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        failWith = ErrorCode.NXDOMAIN;
        advance(TTL);
        assertThatThrownBy(() -> resolver.resolve(NAME).await()).isInstanceOf(GatewayException.class);
        killDnsRole();

        assertThatThrownBy(() -> resolver.resolve(NAME).await()).isInstanceOfSatisfying(GatewayException.class,
                failure -> assertThat(failure.code()).isEqualTo(ErrorCode.DNS_UNAVAILABLE));
        assertThat(staleLines()).isEmpty();
    }

    @Test
    void anOutageLogsOneLinePerNamePerQuietPeriod() {
        DestinationResolver resolver = resolver(WINDOW);
        resolver.resolve(NAME).await();
        resolver.resolve(HostName.parse("other.test")).await();
        killDnsRole();
        advance(TTL);

        for (int i = 0; i < 5; i++) {
            assertThat(resolver.resolve(NAME).await().stale()).isTrue();
        }
        resolver.resolve(HostName.parse("other.test")).await();
        assertThat(staleLines()).hasSize(2);

        advance(StaleServes.QUIET);
        resolver.resolve(NAME).await();
        assertThat(staleLines()).hasSize(3);
    }

    @Test
    void anIpLiteralIsNeverAskedFor() {
        DestinationResolver resolver = resolver(WINDOW);
        killDnsRole();

        assertThat(resolver.resolve(HostName.parse("192.0.2.7")).await())
                .isEqualTo(new Resolved(List.of("192.0.2.7"), false));
        assertThat(asked).hasValue(0);
    }
}
