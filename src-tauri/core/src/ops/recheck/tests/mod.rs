mod policy;
mod runner;
