-- Up Migration
-- Issue 19: documents submitted as files. The document row is created at submission with an empty text and
-- source 'file'; its content_hash is the file's. The extraction activity writes the extracted text to
-- documents.text, in the same transaction as the extraction row, so that the LLM activity reads one column whatever
-- the document came as, and an erasure (DELETE FROM documents) takes the file, its extraction and its images along.
ALTER TABLE documents ADD COLUMN source text NOT NULL DEFAULT 'text' CHECK (source IN ('text', 'file'));

-- The original bytes, as submitted: the review page shows them, and a new extractor can read them again.
CREATE TABLE document_files (
  document_id text PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
  -- SHA-256 of bytes, lowercase hex (the same as documents.content_hash).
  content_hash text NOT NULL,
  -- Detected from the content, not from the name (src/extraction/detect.ts).
  media_type text NOT NULL,
  file_name text,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  bytes bytea NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now()
);

-- The outcome of the last extraction of a document's file: what was read, by what, or why it could not be.
CREATE TABLE document_extractions (
  document_id text PRIMARY KEY REFERENCES document_files (document_id) ON DELETE CASCADE,
  outcome text NOT NULL CHECK (outcome IN ('extracted', 'unreadable')),
  unreadable_reason text
    CHECK (unreadable_reason IN ('encrypted', 'corrupt', 'empty', 'unsupported', 'no_vision_model')),
  -- null when the file could not be read at all (encrypted, corrupt).
  method text CHECK (method IN ('pdf-text', 'docx', 'html', 'email', 'text', 'vision', 'ocr')),
  -- `<package>@<version>` of the libraries that read the file, e.g. pdfjs-dist@5.6.205+tesseract@5.3.0.
  extractor text,
  media_type text NOT NULL,
  text_chars integer NOT NULL DEFAULT 0 CHECK (text_chars >= 0),
  pages integer CHECK (pages >= 0),
  pages_read integer CHECK (pages_read >= 0),
  ocr_pages integer NOT NULL DEFAULT 0 CHECK (ocr_pages >= 0),
  -- Images kept in document_images, and pages without text left out of them (over DOCKET_VISION_MAX_PAGES).
  images integer NOT NULL DEFAULT 0 CHECK (images >= 0),
  images_omitted integer NOT NULL DEFAULT 0 CHECK (images_omitted >= 0),
  -- The model must see the images (DOCKET_VISION_MODEL): the text alone is not the whole document.
  needs_vision boolean NOT NULL DEFAULT false,
  -- Subject, sender, date and the attachments' names, types and sizes (never their bytes).
  email jsonb,
  extracted_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((outcome = 'unreadable') = (unreadable_reason IS NOT NULL))
);

-- Pages without text rendered (or image files decoded), resized for a vision model: what the LLM call attaches and
-- the review page shows. Written by the extraction activity; never carried through workflow history.
CREATE TABLE document_images (
  document_id text NOT NULL REFERENCES document_files (document_id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 0),
  -- The 1-based page of a PDF or a multi-page TIFF; null for a single image.
  page integer CHECK (page >= 1),
  media_type text NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  bytes bytea NOT NULL,
  PRIMARY KEY (document_id, position)
);

-- Down Migration
DROP TABLE document_images;
DROP TABLE document_extractions;
DROP TABLE document_files;
ALTER TABLE documents DROP COLUMN source;
