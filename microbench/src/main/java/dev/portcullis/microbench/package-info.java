/** JMH benchmarks: deciding on and loading a generated 100,000-rule policy; leaf issuance against the ca role. */
package dev.portcullis.microbench;
