package dev.portcullis.proxy.guard;

/** Every address the destination resolved to is guarded; the message names the first and its class. */
public final class GuardRefusedException extends RuntimeException {

    private final DestinationGuard.Verdict verdict;

    public GuardRefusedException(DestinationGuard.Verdict verdict) {
        super(verdict.reason(), null, false, false);
        this.verdict = verdict;
    }

    public DestinationGuard.Verdict verdict() {
        return verdict;
    }
}
