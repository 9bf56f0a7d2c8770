/** JMH benchmarks of the policy role in process: deciding on, and loading, a generated 100,000-rule policy. */
package dev.portcullis.microbench;
