package dev.portcullis.proxy.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleTagsTest {

    @AfterEach
    void restore() {
        RuleTags.reset();
        RuleTags.setMax(RuleTags.DEFAULT_MAX);
    }

    @Test
    void namesPastTheCapShareOtherWhileNamesSeenKeepTheirOwn() {
        RuleTags.reset();
        RuleTags.setMax(2);
        assertThat(RuleTags.tag("source-control")).isEqualTo("source-control");
        assertThat(RuleTags.tag("default")).isEqualTo("default");
        assertThat(RuleTags.tag("generated-rule-3")).isEqualTo(RuleTags.OTHER);
        assertThat(RuleTags.tag("generated-rule-4")).isEqualTo(RuleTags.OTHER);
        assertThat(RuleTags.tag("source-control")).isEqualTo("source-control");
    }

    @Test
    void aNegativeCapIsRefused() {
        assertThatThrownBy(() -> RuleTags.setMax(-1)).hasMessageContaining("max-rule-tags must be at least 0, was -1");
    }
}
