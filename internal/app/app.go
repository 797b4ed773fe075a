// Package app is the one place where Garde is wired: configuration →
// database → stores and services → HTTP handlers and job workers.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/garde-privacy/garde/internal/audit"
	"github.com/garde-privacy/garde/internal/breach"
	"github.com/garde-privacy/garde/internal/config"
	"github.com/garde-privacy/garde/internal/consent"
	"github.com/garde-privacy/garde/internal/db"
	"github.com/garde-privacy/garde/internal/docs"
	"github.com/garde-privacy/garde/internal/fulfil"
	"github.com/garde-privacy/garde/internal/fulfil/run"
	"github.com/garde-privacy/garde/internal/fulfil/suppress"
	"github.com/garde-privacy/garde/internal/i18n"
	"github.com/garde-privacy/garde/internal/inventory"
	"github.com/garde-privacy/garde/internal/jobs"
	"github.com/garde-privacy/garde/internal/mail"
	"github.com/garde-privacy/garde/internal/metrics"
	"github.com/garde-privacy/garde/internal/operator"
	"github.com/garde-privacy/garde/internal/requests"
	"github.com/garde-privacy/garde/internal/rules"
	"github.com/garde-privacy/garde/internal/secrets"
	"github.com/garde-privacy/garde/internal/webhooks"
)

// App is a running Garde instance's set of services.
type App struct {
	Config    *config.Config
	Log       *slog.Logger
	DB        *db.DB
	Queue     *jobs.Queue
	Catalog   *i18n.Catalog
	Audit     *audit.Log
	Outbox    *mail.Outbox
	Operators *operator.Service
	Rules     *rules.Set
	Webhooks  *webhooks.Service
	Requests  *requests.Service
	Breaches  *breach.Service
	Metrics   *metrics.Metrics
	Consent   *consent.Service
	Inventory *inventory.Service
	Docs      *docs.Service
	Fulfil    *run.Service // connectors of automatic systems and their jobs
	Suppress  *suppress.Service
	started   time.Time
}

// Options say what this process does besides answering.
type Options struct {
	// Work makes the instance run background jobs; CLI commands only enqueue.
	Work bool
	// PollInterval shortens job polling (tests).
	PollInterval time.Duration
}

// Open opens and migrates the database and builds every service.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger, opts Options) (*App, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("cannot migrate the database at %s: %s", d.Location, oneLine(err))
	}
	a := &App{Config: cfg, Log: log, DB: d, Catalog: cat, Metrics: metrics.New(), started: time.Now()}
	a.Queue = jobs.New(d, log)
	a.Audit = audit.New(d)
	a.Operators = operator.NewService(d, a.Audit, cfg.SessionTTL)
	sender, err := mail.NewSMTPSender(mail.SMTPConfig{
		Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
		TLS: cfg.SMTPTLS, From: cfg.SMTPFrom,
	})
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("configuration: smtp: %w", err)
	}
	a.Outbox = mail.NewOutbox(d, a.Queue, cat, sender, log)
	a.Outbox.SetOrganization(cfg.Organization)
	if err := a.openDomains(ctx); err != nil {
		d.Close()
		return nil, err
	}
	var jo jobs.Options
	if opts.Work {
		jo = jobs.Options{Workers: cfg.JobWorkers, PollInterval: opts.PollInterval, Periodic: append(a.Requests.PeriodicJobs(), a.Breaches.PeriodicJobs()...)}
	}
	if err := a.Queue.Build(jo); err != nil {
		d.Close()
		return nil, err
	}
	a.registerGauges()
	return a, nil
}

// openDomains builds the domain services on the foundation. They register
// their job workers, so this runs before the queue is built.
func (a *App) openDomains(ctx context.Context) error {
	cfg, log := a.Config, a.Log
	set, err := rules.Load(cfg.RulesDir)
	if err != nil {
		return err
	}
	a.Rules = set
	box, err := secrets.Open(cfg)
	if err != nil {
		return err
	}
	a.Webhooks = webhooks.NewService(webhooks.Deps{DB: a.DB, Queue: a.Queue, Box: box, Audit: a.Audit, Log: log})
	if n, err := a.Webhooks.Reseal(ctx); err != nil {
		log.Warn("webhooks: some signing secrets cannot be opened with the configured secret_key", "err", err)
	} else if n > 0 {
		log.Info("webhooks: signing secrets sealed again with the current secret key", "count", n)
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("configuration: timezone: %w", err)
	}
	a.Requests = requests.NewService(requests.Deps{
		DB: a.DB, Queue: a.Queue, Audit: a.Audit, Outbox: a.Outbox, Operators: a.Operators, Log: log,
		Deadlines:       requests.NewRulesDeadlines(set, cfg.Establishment, loc),
		Webhooks:        a.Webhooks,
		BaseURL:         cfg.PublicURL(),
		TargetDays:      cfg.RequestTargetDays,
		RetentionMonths: cfg.RequestRetentionMonths,
		FallbackRegion:  cfg.FallbackRegion,
		StaffLanguage:   i18n.Lang(cfg.DefaultLanguage),
		Box:             box,
	})
	a.Fulfil, err = run.New(run.Deps{DB: a.DB, Queue: a.Queue, Box: box, Audit: a.Audit, Requests: a.Requests,
		Catalog: a.Catalog, StaffLanguage: i18n.Lang(cfg.DefaultLanguage), Log: log})
	if err != nil {
		return err
	}
	if n, err := a.Fulfil.Reseal(ctx); err != nil {
		log.Warn("fulfil: some connection URLs cannot be opened with the configured secret_key", "err", err)
	} else if n > 0 {
		log.Info("fulfil: connection URLs sealed again with the current secret key", "count", n)
	}
	// The instance's keyed-hash secret keys the suppression list and the
	// receipts' signing key. Without it the list cannot be read, and a
	// consent check that ignored it would let stopped purposes through:
	// refuse to start.
	secret, err := fulfil.ErasureKey(ctx, a.DB, box)
	if err != nil {
		return fmt.Errorf("instance secret: %w (is secret_key the one the database was created with?)", err)
	}
	if err := a.openSuppress(ctx, secret); err != nil {
		return err
	}
	a.Breaches, err = breach.NewService(breach.Deps{DB: a.DB, Audit: a.Audit, Rules: set, Catalog: a.Catalog,
		Location: loc, Organization: cfg.Organization, Log: log, Outbox: a.Outbox, Queue: a.Queue,
		StaffLanguage: i18n.Lang(cfg.DefaultLanguage)})
	if err != nil {
		return err
	}
	// Derived from the sealed secret, the receipts' key is the same on
	// every instance and kept across restarts.
	signer, err := consent.NewReceiptSigner(secret)
	if err != nil {
		return err
	}
	a.Consent = consent.NewService(consent.Deps{DB: a.DB, Audit: a.Audit, Log: log, ReceiptSigner: signer, Controller: consent.Controller{
		Name: cfg.Organization, Email: cfg.SMTPFrom, URL: cfg.PublicURL(), Jurisdiction: cfg.Establishment},
		Webhooks: a.Webhooks, Outbox: a.Outbox, BaseURL: cfg.PublicURL(),
		Restrictions: consent.ListRestrictions{List: a.Suppress}})
	a.Inventory = inventory.NewService(a.DB, a.Audit)
	a.Docs = docs.NewService(a.DB, a.Inventory, docs.NewRenderer(a.Catalog), a.Audit)
	return nil
}

func (a *App) registerGauges() {
	for _, status := range []string{"queued", "retrying", "failed"} {
		a.Metrics.GaugeFunc("garde_mail_outbox_"+status, "Emails in the outbox with status "+status+".", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			counts, err := a.Outbox.Counts(ctx)
			if err != nil {
				return -1
			}
			return float64(counts[status])
		})
	}
}

// Close stops the jobs and closes the database.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = a.Queue.Stop(ctx)
	return a.DB.Close()
}

// SetupLink returns a one-time link to create the owner account when no
// operator exists yet, or "" when setup is done.
func (a *App) SetupLink(ctx context.Context) (string, error) {
	need, err := a.Operators.NeedsSetup(ctx)
	if err != nil || !need {
		return "", err
	}
	raw, err := a.Operators.CreateSetupToken(ctx, SetupLinkTTL)
	if err != nil {
		return "", err
	}
	return a.Config.PublicURL() + "/setup?token=" + raw, nil
}

// SetupLinkTTL is how long the first-start link stays valid.
const SetupLinkTTL = 24 * time.Hour

func oneLine(err error) string {
	s := err.Error()
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
