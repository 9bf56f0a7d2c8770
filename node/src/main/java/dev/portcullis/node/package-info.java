package dev.portcullis.node;
