//! Streaming reader of IATI activity files: XML events, one activity at a time,
//! into [`Activity`] values that keep each element's line. No tree of the file is
//! built; elements the mapping does not use are skipped as they stream past.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

/// A text in one language.
#[derive(Debug, Clone, Default)]
pub(crate) struct Narrative {
    /// Its `xml:lang`, if given.
    pub lang: Option<String>,
    /// The text, trimmed.
    pub text: String,
}

/// A `reporting-org`, `participating-org`, `provider-org` or `receiver-org`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Org {
    pub line: usize,
    pub reference: Option<String>,
    pub kind: Option<String>,
    pub role: Option<String>,
    /// `provider-activity-id` or `receiver-activity-id`.
    pub activity_id: Option<String>,
    pub names: Vec<Narrative>,
}

/// A `value` element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Value {
    pub line: usize,
    pub amount: String,
    pub currency: Option<String>,
    pub value_date: Option<String>,
}

/// A `budget` element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Budget {
    pub line: usize,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub value: Option<Value>,
}

/// A `transaction` element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction {
    pub line: usize,
    pub kind: Option<String>,
    pub date: Option<String>,
    pub value: Option<Value>,
    pub provider: Option<Org>,
    pub receiver: Option<Org>,
    pub description: Vec<Narrative>,
}

/// An element that names a code: `recipient-country`, `sector`, `activity-status`,
/// `activity-date` (its type as `code`, its date as `date`), `related-activity`
/// (its type as `code`, its `ref` as `reference`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Coded {
    pub line: usize,
    pub code: Option<String>,
    pub vocabulary: Option<String>,
    pub percentage: Option<String>,
    pub date: Option<String>,
    pub reference: Option<String>,
    pub names: Vec<Narrative>,
}

/// A `description` element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Description {
    pub kind: Option<String>,
    pub narratives: Vec<Narrative>,
}

/// One `iati-activity`, as far as the mapping reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Activity {
    pub line: usize,
    pub identifier: Option<(usize, String)>,
    pub lang: Option<String>,
    pub default_currency: Option<String>,
    pub reporting: Option<Org>,
    pub titles: Vec<Narrative>,
    pub descriptions: Vec<Description>,
    pub participants: Vec<Org>,
    pub status: Option<Coded>,
    pub dates: Vec<Coded>,
    pub countries: Vec<Coded>,
    pub sectors: Vec<Coded>,
    pub budgets: Vec<Budget>,
    pub transactions: Vec<Transaction>,
}

/// What the first pass reads of an activity: enough to know every identifier
/// and which activities are parents before any record is made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Skim {
    pub line: usize,
    pub identifier: Option<(usize, String)>,
    pub hierarchy: Option<u32>,
    pub related: Vec<Coded>,
}

/// Why a file could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    /// The XML is not well formed.
    #[error("malformed XML: {0}")]
    Xml(String),
}

/// A read failure at a line.
#[derive(Debug)]
pub(crate) struct Failure {
    pub line: Option<usize>,
    pub error: ReadError,
}

/// What the root element says.
#[derive(Debug, Clone, Default)]
pub(crate) struct Head {
    /// The root element's name.
    pub root: String,
    /// Its `version`.
    pub version: Option<String>,
}

/// Counts the lines consumed from a buffered reader, so that each event's line
/// is known without an index of the file.
struct Lines<R> {
    inner: R,
    newlines: usize,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let n = amount.min(buf.len());
            self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        }
        self.inner.consume(amount);
    }
}

/// An element's start, with its attributes decoded.
struct Element {
    name: Vec<u8>,
    line: usize,
    attrs: Vec<(Vec<u8>, String)>,
}

impl Element {
    /// An attribute's value, trimmed; `None` when absent or empty, as real files
    /// often leave attributes.
    fn take(&mut self, key: &str) -> Option<String> {
        let i = self.attrs.iter().position(|(k, _)| k == key.as_bytes())?;
        let (_, v) = self.attrs.swap_remove(i);
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }
}

/// An event, owned.
enum Ev {
    Start(Element),
    Empty(Element),
    Text(String),
    End,
    Eof,
}

/// The XML stream of one file.
pub(crate) struct Xml<R: BufRead> {
    reader: Reader<Lines<R>>,
    buf: Vec<u8>,
}

impl Xml<BufReader<File>> {
    /// Opens a file.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|e| Failure {
            line: None,
            error: e.into(),
        })?;
        Ok(Self::new(BufReader::with_capacity(1 << 16, file)))
    }
}

impl<R: BufRead> Xml<R> {
    /// Streams XML from `reader`.
    pub fn new(reader: R) -> Self {
        let mut reader = Reader::from_reader(Lines {
            inner: reader,
            newlines: 0,
        });
        reader.config_mut().check_end_names = true;
        Self {
            reader,
            buf: Vec::with_capacity(1024),
        }
    }

    /// How many bytes of the file have been read.
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The line the next event starts on.
    fn line(&self) -> usize {
        self.reader.get_ref().newlines + 1
    }

    fn fail(&self, e: impl std::fmt::Display) -> Failure {
        Failure {
            line: Some(self.line()),
            error: ReadError::Xml(e.to_string()),
        }
    }

    fn element(&self, e: &BytesStart, line: usize) -> Result<Element, Failure> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| self.fail(e))?;
            let v = a.unescape_value().map_err(|e| self.fail(e))?;
            attrs.push((a.key.as_ref().to_vec(), v.into_owned()));
        }
        Ok(Element {
            name: e.name().as_ref().to_vec(),
            line,
            attrs,
        })
    }

    fn next(&mut self) -> Result<Ev, Failure> {
        loop {
            let line = self.line();
            let fail = |e: &dyn std::fmt::Display| Failure {
                line: Some(line),
                error: ReadError::Xml(e.to_string()),
            };
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| Failure {
                    line: Some(line),
                    error: ReadError::Xml(e.to_string()),
                })?;
            return Ok(match event {
                Event::Start(e) => {
                    let e = e.into_owned();
                    Ev::Start(self.element(&e, line)?)
                }
                Event::Empty(e) => {
                    let e = e.into_owned();
                    Ev::Empty(self.element(&e, line)?)
                }
                Event::End(_) => Ev::End,
                Event::Text(t) => Ev::Text(t.xml10_content().map_err(|e| fail(&e))?.into()),
                Event::CData(t) => Ev::Text(t.xml10_content().map_err(|e| fail(&e))?.into()),
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = r.decode().map_err(|e| fail(&e))?;
                            match resolve_predefined_entity(&name) {
                                Some(s) => s.to_owned(),
                                None => return Err(fail(&format!("unknown entity `&{name};`"))),
                            }
                        }
                        Err(e) => return Err(fail(&e)),
                    };
                    Ev::Text(text)
                }
                Event::Eof => Ev::Eof,
                Event::Decl(_) | Event::PI(_) | Event::DocType(_) | Event::Comment(_) => continue,
            });
        }
    }

    /// Skips the rest of an element whose start was just read.
    fn skip(&mut self, name: &[u8]) -> Result<(), Failure> {
        let line = self.line();
        self.buf.clear();
        self.reader
            .read_to_end_into(QName(name), &mut self.buf)
            .map_err(|e| Failure {
                line: Some(line),
                error: ReadError::Xml(e.to_string()),
            })?;
        Ok(())
    }

    /// The root element, once read past it; `None` for an empty file.
    pub fn head(&mut self) -> Result<Option<Head>, Failure> {
        loop {
            match self.next()? {
                Ev::Start(mut e) => {
                    return Ok(Some(Head {
                        root: String::from_utf8_lossy(&e.name).into_owned(),
                        version: e.take("version"),
                    }));
                }
                Ev::Empty(e) => {
                    return Ok(Some(Head {
                        root: String::from_utf8_lossy(&e.name).into_owned(),
                        version: None,
                    }));
                }
                Ev::Text(t) if t.trim().is_empty() => {}
                Ev::Text(_) => return Err(self.fail("text before the root element")),
                Ev::End => return Err(self.fail("an end tag before the root element")),
                Ev::Eof => return Ok(None),
            }
        }
    }

    /// The next `iati-activity` of the root element; `None` at the root's end.
    /// Other elements of the root are skipped.
    pub fn activity(&mut self) -> Result<Option<Activity>, Failure> {
        loop {
            match self.next()? {
                Ev::Start(mut e) if e.name == b"iati-activity" => {
                    let mut a = Activity {
                        line: e.line,
                        lang: e.take("xml:lang"),
                        default_currency: e.take("default-currency"),
                        ..Activity::default()
                    };
                    self.activity_body(&mut a)?;
                    return Ok(Some(a));
                }
                Ev::Empty(e) if e.name == b"iati-activity" => {
                    return Ok(Some(Activity {
                        line: e.line,
                        ..Activity::default()
                    }));
                }
                Ev::Start(e) => self.skip(&e.name)?,
                Ev::Empty(_) | Ev::Text(_) => {}
                Ev::End => return Ok(None),
                Ev::Eof => return Err(self.fail("the file ends inside its root element")),
            }
        }
    }

    /// The next activity of the root element, skimmed: its identifier, level and
    /// related activities; `None` at the root's end.
    pub fn skim(&mut self) -> Result<Option<Skim>, Failure> {
        loop {
            match self.next()? {
                Ev::Start(mut e) if e.name == b"iati-activity" => {
                    let mut a = Skim {
                        line: e.line,
                        hierarchy: e.take("hierarchy").and_then(|h| h.parse().ok()),
                        ..Skim::default()
                    };
                    loop {
                        let (e, open) = match self.next()? {
                            Ev::Start(e) => (e, true),
                            Ev::Empty(e) => (e, false),
                            Ev::Text(_) => continue,
                            Ev::End => break,
                            Ev::Eof => return Err(self.fail("the file ends inside an activity")),
                        };
                        match &e.name[..] {
                            b"iati-identifier" => {
                                let text = if open { self.text()? } else { String::new() };
                                a.identifier = Some((e.line, text));
                            }
                            b"related-activity" => {
                                let r = self.coded(e, open)?;
                                a.related.push(r);
                            }
                            _ if open => self.skip(&e.name)?,
                            _ => {}
                        }
                    }
                    return Ok(Some(a));
                }
                Ev::Empty(e) if e.name == b"iati-activity" => {
                    return Ok(Some(Skim {
                        line: e.line,
                        ..Skim::default()
                    }));
                }
                Ev::Start(e) => self.skip(&e.name)?,
                Ev::Empty(_) | Ev::Text(_) => {}
                Ev::End => return Ok(None),
                Ev::Eof => return Err(self.fail("the file ends inside its root element")),
            }
        }
    }

    fn activity_body(&mut self, a: &mut Activity) -> Result<(), Failure> {
        loop {
            let (mut e, open) = match self.next()? {
                Ev::Start(e) => (e, true),
                Ev::Empty(e) => (e, false),
                Ev::Text(_) => continue,
                Ev::End => return Ok(()),
                Ev::Eof => return Err(self.fail("the file ends inside an activity")),
            };
            match &e.name[..] {
                b"iati-identifier" => {
                    let text = if open { self.text()? } else { String::new() };
                    a.identifier = Some((e.line, text));
                }
                b"reporting-org" => a.reporting = Some(self.org(e, open)?),
                b"participating-org" => {
                    let org = self.org(e, open)?;
                    a.participants.push(org);
                }
                b"title" if open => a.titles = self.narratives()?,
                b"description" => {
                    let kind = e.take("type");
                    let narratives = if open { self.narratives()? } else { Vec::new() };
                    a.descriptions.push(Description { kind, narratives });
                }
                b"activity-status" => a.status = Some(self.coded(e, open)?),
                b"activity-date" => {
                    let d = self.coded(e, open)?;
                    a.dates.push(d);
                }
                b"recipient-country" => {
                    let c = self.coded(e, open)?;
                    a.countries.push(c);
                }
                b"sector" => {
                    let s = self.coded(e, open)?;
                    a.sectors.push(s);
                }
                b"budget" => {
                    let b = Budget {
                        line: e.line,
                        kind: e.take("type"),
                        status: e.take("status"),
                        ..Budget::default()
                    };
                    let b = if open { self.budget(b)? } else { b };
                    a.budgets.push(b);
                }
                b"transaction" => {
                    let t = Transaction {
                        line: e.line,
                        ..Transaction::default()
                    };
                    let t = if open { self.transaction(t)? } else { t };
                    a.transactions.push(t);
                }
                _ if open => self.skip(&e.name)?,
                _ => {}
            }
        }
    }

    /// The text of an element whose start was just read, up to its end; child
    /// elements are skipped.
    fn text(&mut self) -> Result<String, Failure> {
        let mut text = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => text.push_str(&t),
                Ev::Start(e) => self.skip(&e.name)?,
                Ev::Empty(_) => {}
                Ev::End => return Ok(text.trim().to_owned()),
                Ev::Eof => return Err(self.fail("the file ends inside an element")),
            }
        }
    }

    /// The `narrative` children of an element whose start was just read. Text
    /// outside narratives (as versions before 2.01 wrote it) counts as one.
    fn narratives(&mut self) -> Result<Vec<Narrative>, Failure> {
        let mut out = Vec::new();
        let mut loose = String::new();
        loop {
            match self.next()? {
                Ev::Start(mut e) if e.name == b"narrative" => {
                    let lang = e.take("xml:lang");
                    let text = self.text()?;
                    if !text.is_empty() {
                        out.push(Narrative { lang, text });
                    }
                }
                Ev::Start(e) => self.skip(&e.name)?,
                Ev::Empty(_) => {}
                Ev::Text(t) => loose.push_str(&t),
                Ev::End => break,
                Ev::Eof => return Err(self.fail("the file ends inside an element")),
            }
        }
        let loose = loose.trim();
        if out.is_empty() && !loose.is_empty() {
            out.push(Narrative {
                lang: None,
                text: loose.to_owned(),
            });
        }
        Ok(out)
    }

    fn org(&mut self, mut e: Element, open: bool) -> Result<Org, Failure> {
        let activity_id = e
            .take("provider-activity-id")
            .or_else(|| e.take("receiver-activity-id"));
        Ok(Org {
            activity_id,
            line: e.line,
            reference: e.take("ref"),
            kind: e.take("type"),
            role: e.take("role"),
            names: if open { self.narratives()? } else { Vec::new() },
        })
    }

    fn coded(&mut self, mut e: Element, open: bool) -> Result<Coded, Failure> {
        let code = e.take("code").or_else(|| e.take("type"));
        Ok(Coded {
            line: e.line,
            code,
            vocabulary: e.take("vocabulary"),
            percentage: e.take("percentage"),
            date: e.take("iso-date"),
            reference: e.take("ref"),
            names: if open { self.narratives()? } else { Vec::new() },
        })
    }

    fn value(&mut self, mut e: Element, open: bool) -> Result<Value, Failure> {
        Ok(Value {
            line: e.line,
            currency: e.take("currency"),
            value_date: e.take("value-date"),
            amount: if open { self.text()? } else { String::new() },
        })
    }

    fn budget(&mut self, mut b: Budget) -> Result<Budget, Failure> {
        loop {
            let (mut e, open) = match self.next()? {
                Ev::Start(e) => (e, true),
                Ev::Empty(e) => (e, false),
                Ev::Text(_) => continue,
                Ev::End => return Ok(b),
                Ev::Eof => return Err(self.fail("the file ends inside a budget")),
            };
            match &e.name[..] {
                b"period-start" => b.start = e.take("iso-date"),
                b"period-end" => b.end = e.take("iso-date"),
                b"value" => {
                    b.value = Some(self.value(e, open)?);
                    continue;
                }
                _ => {}
            }
            if open {
                self.skip(&e.name)?;
            }
        }
    }

    fn transaction(&mut self, mut t: Transaction) -> Result<Transaction, Failure> {
        loop {
            let (mut e, open) = match self.next()? {
                Ev::Start(e) => (e, true),
                Ev::Empty(e) => (e, false),
                Ev::Text(_) => continue,
                Ev::End => return Ok(t),
                Ev::Eof => return Err(self.fail("the file ends inside a transaction")),
            };
            match &e.name[..] {
                b"transaction-type" => t.kind = e.take("code"),
                b"transaction-date" => t.date = e.take("iso-date"),
                b"value" => {
                    t.value = Some(self.value(e, open)?);
                    continue;
                }
                b"provider-org" => {
                    t.provider = Some(self.org(e, open)?);
                    continue;
                }
                b"receiver-org" => {
                    t.receiver = Some(self.org(e, open)?);
                    continue;
                }
                b"description" => {
                    if open {
                        t.description = self.narratives()?;
                    }
                    continue;
                }
                _ => {}
            }
            if open {
                self.skip(&e.name)?;
            }
        }
    }
}
