# Shopdesk: `make run` brings the product up, `make test` runs every test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/shopdesk/shopdesk/internal/app.Version=$(VERSION)

.PHONY: run test build generate check fmt vet deps clean

## run: start a local PostgreSQL (unless DATABASE_URL is set), migrate, seed the demo, serve
run:
	@$(GO) build -o bin/devrun ./cmd/devrun && exec ./bin/devrun

## test: every test (unit, database, browser) plus the formatting, vet and generated-code checks
test: deps check
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 10s ./internal/ingest/

## build: the shopdesk binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/shopdesk ./cmd/shopdesk

## generate: regenerate templ and sqlc output (commit the result)
generate:
	$(GO) tool templ generate -log-level error
	cd internal/store && $(GO) tool sqlc generate

## check: gofmt, go vet, and generated code up to date with its sources
check:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$') 2>&1); \
	  if [ -n "$$out" ]; then echo "gofmt needed in:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@before=$$(cat $$(find . -name '*_templ.go' -not -path './.local/*' | sort) /dev/null | sha256sum); \
	  $(GO) tool templ generate -log-level error; \
	  after=$$(cat $$(find . -name '*_templ.go' -not -path './.local/*' | sort) /dev/null | sha256sum); \
	  if [ "$$before" != "$$after" ]; then echo "templ output was stale: it is regenerated now; commit the *_templ.go files"; exit 1; fi
	@cd internal/store && $(GO) tool sqlc diff >/dev/null || { echo "sqlc output is stale: run 'make generate' and commit internal/store/dbsqlc"; exit 1; }

fmt:
	gofmt -w $$(git ls-files '*.go' | grep -v '_templ.go$$')
	$(GO) tool templ fmt .

## deps: install the system packages the tests need when missing (apt-get as root); CI fails without them
deps:
	@missing=""; \
	  { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  [ -d /usr/share/fonts/opentype/noto ] || missing="$$missing fonts-noto-cjk"; \
	  { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; } || missing="$$missing dovecot-imapd"; \
	  { command -v postfix >/dev/null 2>&1 || [ -x /usr/sbin/postfix ]; } || missing="$$missing postfix"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "installing test dependencies:$$missing"; \
	      echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	    else \
	      echo "missing test dependencies:$$missing; install them with: sudo apt-get install -y$$missing"; \
	      if [ -n "$$CI" ]; then exit 1; fi; \
	    fi; \
	  fi

clean:
	rm -rf bin
