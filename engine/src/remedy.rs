//! What would put a store's failure right, as data the CLI words (a command to run): the engine
//! names no command or flag. Attached with `Failure::with_remedy`.

/// A step the user can take about the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRemedy {
    /// Create a store (`database`: on PostgreSQL), or name an existing one.
    CreateOrName { database: bool },
    /// Verify the embedded store's log file to locate the damage.
    VerifyLogFile,
    /// Verify the store's chain to locate the damage.
    VerifyStore,
    /// Look at the log before running the change again (it may or may not be recorded).
    LookBeforeRetry,
    /// Give a proof file as the proving command wrote it.
    ProofAsWritten,
    /// Make the proof against the checkpoint given.
    ProveAgainstCheckpoint,
    /// A verifier key as the key-making command prints it.
    VerifierKeyAsPrinted,
    /// The signing key file the key-making command wrote.
    SigningKeyFile,
    /// Restore the accounts file, or add the accounts again.
    RestoreAccounts,
    /// The log lost acknowledged events: restore them from an export, or accept the loss after
    /// `after` (the log's last seq).
    RestoreOrAcceptLoss { after: u64 },
    /// The log diverged from what was acknowledged: audit still runs; rebuild from an export.
    CopyFromExport,
    /// Accept the loss of everything after `after`, the log's last seq.
    AcceptLossAfter { after: u64 },
    /// A store is already there: choose another directory, or use that one.
    OtherStoreDirectory,
}
